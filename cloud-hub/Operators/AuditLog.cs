using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// Who changed what and when, in the hub database: every enrolment, re-key, revocation and operator change, from the
/// API (the operator's name) and from the CLI (<c>cli:&lt;os user&gt;</c>), with its outcome, refusals included.
/// </summary>
public sealed class AuditLog(HubDatabase database, TimeProvider time, ILogger<AuditLog> logger)
{
    /// <summary>Writes one entry, stamped now.</summary>
    public void Record(string actor, string action, string target, string outcome)
    {
        var now = UnixTime.ToMs(time.GetUtcNow());
        database.Write(connection => connection.Execute(
            "INSERT INTO audit (time, actor, action, target, outcome) VALUES (?, ?, ?, ?, ?)", now, actor, action, target, outcome));
        logger.LogInformation("Audit: {Actor} {Action} {Target}: {Outcome}", actor, action, target, outcome);
    }

    /// <summary>Entries newest first, after the entry <paramref name="before"/> (an id a previous page ended on) when given.</summary>
    public IReadOnlyList<AuditEntry> Page(long? before, int limit) =>
        database.Read(connection => connection.Query<AuditRow>(
                "SELECT id, time, actor, action, target, outcome FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                before ?? long.MaxValue, limit))
            .Select(row => new AuditEntry(row.Id, UnixTime.FromMs(row.Time), row.Actor, row.Action, row.Target, row.Outcome))
            .ToList();

    /// <summary>The name the CLI writes for whoever runs it on the hub machine.</summary>
    public static string CliActor => $"cli:{Environment.UserName}";

    private sealed class AuditRow
    {
        [Column("id")] public long Id { get; set; }
        [Column("time")] public long Time { get; set; }
        [Column("actor")] public string Actor { get; set; } = "";
        [Column("action")] public string Action { get; set; } = "";
        [Column("target")] public string Target { get; set; } = "";
        [Column("outcome")] public string Outcome { get; set; } = "";
    }
}

/// <summary>One audit entry; <paramref name="Id"/> orders them.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset Time, string Actor, string Action, string Target, string Outcome);

/// <summary>The actions and outcomes the audit log names, so a reader can filter on them.</summary>
public static class AuditActions
{
    public const string DeviceEnroll = "device.enroll";
    public const string DeviceRotate = "device.rotate";
    public const string DeviceRevoke = "device.revoke";
    public const string OperatorAdd = "operator.add";
    public const string OperatorRevoke = "operator.revoke";

    /// <summary>A request refused before it reached its route; the target is the method and path.</summary>
    public const string ApiRequest = "api.request";
    public const string DeviceConditionClear = "device.condition.clear";

    public const string Done = "ok";
    public const string AlreadyEnrolled = "refused: already enrolled";
    public const string NotEnrolled = "refused: not enrolled";
    public const string NameTaken = "refused: name taken";
    public const string UnknownOperator = "refused: no such operator";
    public const string RefusedRole = "refused: role";
    public const string NoCondition = "refused: no such condition";
}
