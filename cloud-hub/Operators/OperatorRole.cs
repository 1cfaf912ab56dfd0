namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// What an operator may do, each role including the ones below it: a viewer reads; an operator also changes what
/// runs (models, aliases, labels); an admin also enrolls, re-keys and revokes devices and manages operators.
/// </summary>
public enum OperatorRole
{
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}

public static class OperatorRoles
{
    /// <summary>The role's name as the CLI, the API and the database write it: <c>viewer</c>, <c>operator</c>, <c>admin</c>.</summary>
    public static string Name(this OperatorRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Every role's name, lowest first, for usage lines and messages.</summary>
    public static string Names { get; } = string.Join("|", Enum.GetValues<OperatorRole>().Select(Name));

    public static bool TryParse(string? name, out OperatorRole role)
    {
        role = default;
        var match = Enum.GetValues<OperatorRole>().Where(r => string.Equals(r.Name(), name, StringComparison.Ordinal)).ToList();
        if (match.Count != 1)
            return false;
        role = match[0];
        return true;
    }
}
