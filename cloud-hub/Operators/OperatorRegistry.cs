using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// The people (and scripts) allowed to use the HTTP API, in the hub database: a name, a role, and the hash of a token.
/// A revoked operator keeps its row, so the audit log's names stay explained, but its token stops working at once:
/// every request looks the token up again.
/// </summary>
public sealed class OperatorRegistry(HubDatabase database, TimeProvider time)
{
    public const int MaxNameLength = 64;

    /// <summary>Adds <paramref name="name"/> with a new token, returned this once; false when the name is taken by an active operator.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long or holds characters other than letters, digits, <c>.-_@:</c>.</exception>
    public bool TryAdd(string name, OperatorRole role, out string token)
    {
        if (FindNameProblem(name) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        var created = OperatorTokens.Create();
        var now = UnixTime.ToMs(time.GetUtcNow());
        // A revoked name may be given again: the new row replaces the old one, whose token hash goes with it.
        var added = database.Write(connection => connection.Execute("""
            INSERT INTO operators (name, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
            ON CONFLICT (name) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash,
                created_at = excluded.created_at, revoked_at = NULL
            WHERE revoked_at IS NOT NULL
            """, name, role.Name(), OperatorTokens.Hash(created), now)) > 0;
        token = added ? created : "";
        return added;
    }

    /// <summary>The active operator holding <paramref name="token"/>; null for an unknown or revoked token.</summary>
    public OperatorAccount? FindByToken(string token) =>
        database.Read(connection => connection.Query<OperatorRow>(
                "SELECT name, role, created_at, revoked_at FROM operators WHERE token_hash = ? AND revoked_at IS NULL",
                OperatorTokens.Hash(token)))
            .Select(ToAccount).FirstOrDefault(account => account is not null);

    /// <summary>Every operator, revoked ones included, by name.</summary>
    public IReadOnlyList<OperatorAccount> List() =>
        database.Read(connection => connection.Query<OperatorRow>("SELECT name, role, created_at, revoked_at FROM operators ORDER BY name"))
            .Select(ToAccount).OfType<OperatorAccount>().ToList();

    /// <summary>Withdraws <paramref name="name"/>'s token; false when there is no active operator of that name.</summary>
    public bool Revoke(string name) =>
        database.Write(connection => connection.Execute(
            "UPDATE operators SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", UnixTime.ToMs(time.GetUtcNow()), name)) > 0;

    /// <summary>Why <paramref name="name"/> cannot be an operator name; null when it can.</summary>
    public static string? FindNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "an operator name must not be empty";
        if (name.Length > MaxNameLength)
            return $"an operator name has at most {MaxNameLength} characters";
        // Names land in the audit log and in logs: no spaces, no control or invisible characters.
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' or ':'))
            return "an operator name may hold only ASCII letters, digits and . - _ @ :";
        return null;
    }

    private static OperatorAccount? ToAccount(OperatorRow row) =>
        OperatorRoles.TryParse(row.Role, out var role)
            ? new OperatorAccount(row.Name, role, UnixTime.FromMs(row.CreatedAt), UnixTime.FromMs(row.RevokedAt))
            : null;

    private sealed class OperatorRow
    {
        [Column("name")] public string Name { get; set; } = "";
        [Column("role")] public string Role { get; set; } = "";
        [Column("created_at")] public long CreatedAt { get; set; }
        [Column("revoked_at")] public long? RevokedAt { get; set; }
    }
}

/// <summary>An operator as the registry keeps it (never the token).</summary>
public sealed record OperatorAccount(string Name, OperatorRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
