using System.Security.Cryptography;
using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// Evidence that two boxes run under one identity (a copied disk image): records whose (device, epoch, seq) key was
/// already stored with other content, and device sessions taking each other over again and again. Either raises the
/// <c>cloned-device</c> condition on the device, which stays until an operator clears it (and may then tell the box to
/// start a new outbox epoch). Nothing stored is ever overwritten: the first record stored under a key stays.
/// </summary>
/// <remarks>
/// Once cleared with an epoch to leave, conflicts in that epoch do not raise the condition again: the box keeps sending
/// them until it has heard the instruction, which is expected, not a new clone. They are still kept as evidence.
/// </remarks>
public sealed class CloneEvidence(HubDatabase database, CloneMetrics metrics, TimeProvider time, ILogger<CloneEvidence> logger)
{
    /// <summary>The condition's name in the API.</summary>
    public const string ConditionName = "cloned-device";

    /// <summary>Raised by records stored under the same key with other content.</summary>
    public const string RecordConflictCause = "record-conflict";

    /// <summary>Raised by sessions of the device taking each other over.</summary>
    public const string SessionFightCause = "session-fight";

    /// <summary>
    /// Keeps the evidence of one conflicting record and raises the condition, inside the caller's write transaction
    /// (the ingest writer's). True when this raised the condition (it was not raised before).
    /// </summary>
    internal static bool RecordConflict(SQLiteConnection connection, RecordConflict conflict, long nowMs)
    {
        connection.Execute("""
            INSERT INTO clone_conflicts (device_id, epoch, seq, kind, stored_sha256, incoming_sha256, first_seen, last_seen, count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT (device_id, epoch, seq, incoming_sha256) DO UPDATE SET last_seen = excluded.last_seen, count = count + 1
            """, conflict.DeviceId, conflict.Epoch, conflict.Seq, conflict.Kind, conflict.StoredSha256, conflict.IncomingSha256, nowMs, nowMs);
        return Raise(connection, conflict.DeviceId, RecordConflictCause, conflict.Epoch, nowMs, conflicts: 1, fights: 0);
    }

    /// <summary>SHA-256 of <paramref name="payload"/>, lowercase hex: how evidence names the two contents.</summary>
    internal static string Sha256(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>Raises the condition for <paramref name="takeovers"/> session takeovers seen within a short window.</summary>
    public void RecordSessionFight(string deviceId, int takeovers)
    {
        var now = UnixTime.ToMs(time.GetUtcNow());
        if (!database.Write(connection => Raise(connection, deviceId, SessionFightCause, epoch: null, now, conflicts: 0, fights: takeovers)))
            return;
        metrics.ConditionRaised();
        logger.LogWarning("Device {DeviceId} looks cloned: its sessions took each other over {Takeovers} times in a short while (two boxes with one identity?); " +
            "condition {Condition} raised until an operator clears it", deviceId, takeovers, ConditionName);
    }

    /// <summary>The device's raised condition; null when none is raised.</summary>
    public CloneCondition? Condition(string deviceId) =>
        database.Read(connection => connection.Query<ConditionRow>(
                "SELECT * FROM clone_conditions WHERE device_id = ? AND cleared_at IS NULL", deviceId))
            .Select(row => row.ToCondition()).FirstOrDefault();

    /// <summary>Every device's raised condition.</summary>
    public IReadOnlyList<CloneCondition> Raised() =>
        database.Read(connection => connection.Query<ConditionRow>(
                "SELECT * FROM clone_conditions WHERE cleared_at IS NULL ORDER BY device_id"))
            .Select(row => row.ToCondition()).ToList();

    /// <summary>The conflicting records kept as evidence for the device, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<RecordConflictEvidence> Conflicts(string deviceId, int limit) =>
        database.Read(connection => connection.Query<ConflictRow>(
                "SELECT * FROM clone_conflicts WHERE device_id = ? ORDER BY last_seen DESC, epoch, seq LIMIT ?", deviceId, limit))
            .Select(row => row.ToEvidence()).ToList();

    /// <summary>
    /// Clears the device's raised condition on behalf of <paramref name="actor"/>, noting <paramref name="leftEpoch"/>
    /// (the epoch the device was told to leave) when given. False when no condition was raised.
    /// </summary>
    public bool Clear(string deviceId, string actor, long? leftEpoch)
    {
        var now = UnixTime.ToMs(time.GetUtcNow());
        return database.Write(connection => connection.Execute(
            "UPDATE clone_conditions SET cleared_at = ?, cleared_by = ?, left_epoch = ? WHERE device_id = ? AND cleared_at IS NULL",
            now, actor, leftEpoch, deviceId)) == 1;
    }

    private static bool Raise(SQLiteConnection connection, string deviceId, string cause, long? epoch, long nowMs, int conflicts, int fights)
    {
        // 1: raised already; 2: cleared, and the evidence is from the epoch the device was told to leave; 0: not raised.
        var state = connection.ExecuteScalar<long?>(
            "SELECT CASE WHEN cleared_at IS NULL THEN 1 WHEN left_epoch IS ? THEN 2 ELSE 0 END FROM clone_conditions WHERE device_id = ?",
            epoch, deviceId) ?? 0;
        if (state == 2)
            return false;
        connection.Execute("""
            INSERT INTO clone_conditions (device_id, raised_at, cause, last_evidence_at, conflicts, session_fights)
            VALUES (?1, ?2, ?3, ?2, ?4, ?5)
            ON CONFLICT (device_id) DO UPDATE SET
                raised_at = CASE WHEN cleared_at IS NULL THEN raised_at ELSE excluded.raised_at END,
                conflicts = CASE WHEN cleared_at IS NULL THEN conflicts ELSE 0 END + excluded.conflicts,
                session_fights = CASE WHEN cleared_at IS NULL THEN session_fights ELSE 0 END + excluded.session_fights,
                cause = excluded.cause,
                last_evidence_at = excluded.last_evidence_at,
                cleared_at = NULL, cleared_by = NULL, left_epoch = NULL
            """, deviceId, nowMs, cause, conflicts, fights);
        return state == 0;
    }

    private sealed class ConditionRow
    {
        [Column("device_id")] public string DeviceId { get; set; } = "";
        [Column("raised_at")] public long RaisedAt { get; set; }
        [Column("cause")] public string Cause { get; set; } = "";
        [Column("last_evidence_at")] public long LastEvidenceAt { get; set; }
        [Column("conflicts")] public long Conflicts { get; set; }
        [Column("session_fights")] public long SessionFights { get; set; }

        public CloneCondition ToCondition() =>
            new(DeviceId, ConditionName, UnixTime.FromMs(RaisedAt), Cause, UnixTime.FromMs(LastEvidenceAt), Conflicts, SessionFights);
    }

    private sealed class ConflictRow
    {
        [Column("epoch")] public long Epoch { get; set; }
        [Column("seq")] public long Seq { get; set; }
        [Column("kind")] public string Kind { get; set; } = "";
        [Column("stored_sha256")] public string StoredSha256 { get; set; } = "";
        [Column("incoming_sha256")] public string IncomingSha256 { get; set; } = "";
        [Column("first_seen")] public long FirstSeen { get; set; }
        [Column("last_seen")] public long LastSeen { get; set; }
        [Column("count")] public long Count { get; set; }

        public RecordConflictEvidence ToEvidence() =>
            new(Epoch, Seq, Kind, StoredSha256, IncomingSha256, UnixTime.FromMs(FirstSeen), UnixTime.FromMs(LastSeen), Count);
    }
}

/// <summary>A record that arrived under a key already stored with other content.</summary>
internal sealed record RecordConflict(string DeviceId, long Epoch, long Seq, string Kind, string StoredSha256, string IncomingSha256);

/// <summary>A raised <c>cloned-device</c> condition.</summary>
/// <param name="Cause">What raised it last: <c>record-conflict</c> or <c>session-fight</c>.</param>
/// <param name="Conflicts">Conflicting records received since it was raised.</param>
/// <param name="SessionFights">Session takeovers counted as fights since it was raised.</param>
public sealed record CloneCondition(
    string DeviceId, string Condition, DateTimeOffset RaisedAt, string Cause, DateTimeOffset LastEvidenceAt, long Conflicts, long SessionFights);

/// <summary>One conflicting record: the content kept (<paramref name="StoredSha256"/>) and the one refused, how often it came.</summary>
public sealed record RecordConflictEvidence(
    long Epoch, long Seq, string Kind, string StoredSha256, string IncomingSha256, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long Count);
