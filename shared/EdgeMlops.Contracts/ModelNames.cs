namespace EdgeMlops.Contracts;

/// <summary>
/// Model names and versions become folder names on every box (<c>versions/&lt;name&gt;/&lt;version&gt;</c>) and URL path
/// segments on the hub, so they follow <see cref="SafeNames"/>; a version may also hold semver's <c>+</c>.
/// </summary>
public static class ModelNames
{
    /// <summary>Longest model name or version, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="name"/> is not a valid model name, or null when it is.</summary>
    public static string? FindNameProblem(string? name) => SafeNames.FindProblem(name, "model name", MaxLength);

    /// <summary>Why <paramref name="version"/> is not a valid model version, or null when it is.</summary>
    public static string? FindVersionProblem(string? version) => SafeNames.FindProblem(version, "model version", MaxLength, alsoAllowed: "+");
}
