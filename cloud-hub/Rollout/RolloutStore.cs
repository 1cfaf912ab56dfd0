using System.Globalization;
using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Rollouts and their devices in the hub database (tables <c>rollouts</c>, <c>rollout_devices</c>): the only place rollout state lives.</summary>
public sealed class RolloutStore(HubDatabase database)
{
    private const string RolloutColumns = """
        id, created_at, created_by, model, requested, version, manifest_sha256, source, device_ids, selector, percent, canary,
        wave_base, wave_factor, window_ms, abort_threshold, abort_min, device_timeout_ms, probation_seconds, state, reason,
        state_at, promote
        """;

    private const string DeviceColumns = """
        rollout_id, device_id, wave, state, reason, state_at, moved_at, active_since, succeeded, previous_version,
        previous_desired, revert_pending, bytes_done, bytes_total
        """;

    /// <summary>Stores a new rollout in <see cref="RolloutStates.Pending"/>; the coordinator starts it.</summary>
    /// <returns>Its id.</returns>
    public long Create(RolloutPlan plan, string createdBy, DateTimeOffset now) =>
        database.Write(connection =>
        {
            connection.Execute($"""
                INSERT INTO rollouts (created_at, created_by, model, requested, device_ids, selector, percent, canary, wave_base,
                    wave_factor, window_ms, abort_threshold, abort_min, device_timeout_ms, probation_seconds, state, state_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{RolloutStates.Pending}', ?)
                """,
                UnixTime.ToMs(now), createdBy, plan.Model, plan.Requested, string.Join(',', plan.Devices), plan.Selector, plan.Percent,
                plan.Canary, plan.WaveBase, plan.WaveFactor, (long)plan.Window.TotalMilliseconds, plan.AbortThreshold, plan.AbortMin,
                (long)plan.DeviceTimeout.TotalMilliseconds, plan.ProbationSeconds, UnixTime.ToMs(now));
            return connection.ExecuteScalar<long>("SELECT last_insert_rowid()");
        });

    public RolloutRow? Get(long id) =>
        database.Read(connection => connection.Query<RolloutRow>($"SELECT {RolloutColumns} FROM rollouts WHERE id = ?", id)).FirstOrDefault();

    /// <summary>Every rollout, newest first.</summary>
    public IReadOnlyList<RolloutRow> List() =>
        database.Read(connection => connection.Query<RolloutRow>($"SELECT {RolloutColumns} FROM rollouts ORDER BY id DESC"));

    /// <summary>The rollouts the coordinator still has work on: active ones, and finished ones with devices left to revert; oldest first.</summary>
    public IReadOnlyList<RolloutRow> WithWork() =>
        database.Read(connection => connection.Query<RolloutRow>($"""
            SELECT {RolloutColumns} FROM rollouts
            WHERE state IN ('{RolloutStates.Pending}', '{RolloutStates.Running}', '{RolloutStates.Paused}')
               OR id IN (SELECT rollout_id FROM rollout_devices WHERE revert_pending = 1)
            ORDER BY id
            """));

    public IReadOnlyList<RolloutDeviceRow> Devices(long rolloutId) =>
        database.Read(connection => connection.Query<RolloutDeviceRow>(
            $"SELECT {DeviceColumns} FROM rollout_devices WHERE rollout_id = ? ORDER BY wave, device_id", rolloutId));

    /// <summary>How many rollouts are in each state, and how many devices of active rollouts in each device state.</summary>
    public (IReadOnlyDictionary<string, long> Rollouts, IReadOnlyDictionary<string, long> Devices) Counts() =>
        database.Read(connection => (
            (IReadOnlyDictionary<string, long>)connection.Query<CountRow>("SELECT state, count(*) AS n FROM rollouts GROUP BY state")
                .ToDictionary(row => row.State, row => row.N),
            (IReadOnlyDictionary<string, long>)connection.Query<CountRow>($"""
                SELECT d.state, count(*) AS n FROM rollout_devices d JOIN rollouts r ON r.id = d.rollout_id
                WHERE r.state IN ('{RolloutStates.Pending}', '{RolloutStates.Running}', '{RolloutStates.Paused}') GROUP BY d.state
                """).ToDictionary(row => row.State, row => row.N)));

    /// <summary>Records the resolved version and the targeted devices (all queued, by wave) and sets the rollout running, in one transaction.</summary>
    public void Start(long id, string version, string manifestSha256, string source, IReadOnlyList<(string DeviceId, int Wave)> targets, DateTimeOffset now) =>
        database.Write(connection =>
        {
            connection.RunInTransaction(() =>
            {
                connection.Execute($"UPDATE rollouts SET version = ?, manifest_sha256 = ?, source = ?, state = '{RolloutStates.Running}', state_at = ? WHERE id = ?",
                    version, manifestSha256, source, UnixTime.ToMs(now), id);
                foreach (var (deviceId, wave) in targets)
                {
                    connection.Execute($"INSERT INTO rollout_devices (rollout_id, device_id, wave, state, state_at) VALUES (?, ?, ?, '{RolloutDeviceStates.Queued}', ?)",
                        id, deviceId, wave, UnixTime.ToMs(now));
                }
            });
            return 0;
        });

    /// <summary>Sets the rollout's state and reason, if it is still <paramref name="from"/> (when given); false when it was not.</summary>
    public bool SetState(long id, string state, string? reason, DateTimeOffset now, params string[] from) =>
        database.Write(connection => connection.Execute(
            $"UPDATE rollouts SET state = ?, reason = ?, state_at = ? WHERE id = ?{(from.Length > 0 ? $" AND state IN ({string.Join(',', from.Select(s => $"'{s}'"))})" : "")}",
            state, reason, UnixTime.ToMs(now), id)) > 0;

    /// <summary>Sets or clears the request to release the next wave without waiting; false when the rollout is not active.</summary>
    public bool SetPromote(long id, bool promote) =>
        database.Write(connection => connection.Execute(
            $"UPDATE rollouts SET promote = ? WHERE id = ? AND state IN ('{RolloutStates.Pending}', '{RolloutStates.Running}', '{RolloutStates.Paused}')",
            promote ? 1 : 0, id)) > 0;

    /// <summary>Ends an active or completed rollout in <paramref name="state"/> and marks every device it moved for reverting, in one transaction.</summary>
    /// <returns>False when the rollout is not in one of <paramref name="from"/>.</returns>
    public bool Finish(long id, string state, string reason, DateTimeOffset now, params string[] from) =>
        database.Write(connection =>
        {
            var changed = false;
            connection.RunInTransaction(() =>
            {
                changed = connection.Execute(
                    $"UPDATE rollouts SET state = ?, reason = ?, state_at = ?, promote = 0 WHERE id = ? AND state IN ({string.Join(',', from.Select(s => $"'{s}'"))})",
                    state, reason, UnixTime.ToMs(now), id) > 0;
                if (changed)
                {
                    connection.Execute($"UPDATE rollout_devices SET revert_pending = 1 WHERE rollout_id = ? AND moved_at IS NOT NULL AND state <> '{RolloutDeviceStates.Reverted}'", id);
                }
            });
            return changed;
        });

    /// <summary>
    /// The active rollout, other than <paramref name="except"/>, that targets the device and has not reverted it (queued
    /// for a later wave counts: that rollout will move it), or null.
    /// </summary>
    public long? HeldBy(string deviceId, long except) =>
        database.Read(connection => connection.QueryScalars<long>($"""
            SELECT d.rollout_id FROM rollout_devices d JOIN rollouts r ON r.id = d.rollout_id
            WHERE d.device_id = ? AND d.rollout_id <> ? AND d.state <> '{RolloutDeviceStates.Reverted}'
              AND r.state IN ('{RolloutStates.Pending}', '{RolloutStates.Running}', '{RolloutStates.Paused}')
            ORDER BY d.rollout_id LIMIT 1
            """, deviceId, except)).Cast<long?>().FirstOrDefault();

    /// <summary>The device was moved: its desired model now names the rollout's version.</summary>
    public void MarkMoved(long id, string deviceId, string? previousVersion, string? previousDesired, DateTimeOffset now) =>
        database.Write(connection => connection.Execute($"""
            UPDATE rollout_devices SET state = '{RolloutDeviceStates.Pending}', state_at = ?3, moved_at = ?3, previous_version = ?4, previous_desired = ?5
            WHERE rollout_id = ?1 AND device_id = ?2
            """, id, deviceId, UnixTime.ToMs(now), previousVersion, previousDesired));

    /// <summary>Writes what the coordinator concluded about one device.</summary>
    public void UpdateDevice(RolloutDeviceRow row) =>
        database.Write(connection => connection.Execute("""
            UPDATE rollout_devices SET state = ?, reason = ?, state_at = ?, active_since = ?, succeeded = ?, revert_pending = ?, bytes_done = ?, bytes_total = ?
            WHERE rollout_id = ? AND device_id = ?
            """, row.State, row.Reason, row.StateAt, row.ActiveSince, row.Succeeded ? 1 : 0, row.RevertPending ? 1 : 0, row.BytesDone, row.BytesTotal,
            row.RolloutId, row.DeviceId));

    /// <summary>What the hub last heard from a device: its reported state JSON and the model it serves.</summary>
    public ReportedRow? Reported(string deviceId) =>
        database.Read(connection => connection.Query<ReportedRow>(
            "SELECT reported_json, model_name, model_version FROM devices WHERE id = ?", deviceId)).FirstOrDefault();

    public static string IdText(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed class CountRow
    {
        [Column("state")] public string State { get; set; } = "";
        [Column("n")] public long N { get; set; }
    }
}

public sealed class ReportedRow
{
    [Column("reported_json")] public string? ReportedJson { get; set; }
    [Column("model_name")] public string? ModelName { get; set; }
    [Column("model_version")] public string? ModelVersion { get; set; }
}

/// <summary>One row of <c>rollouts</c>.</summary>
public sealed class RolloutRow
{
    [Column("id")] public long Id { get; set; }
    [Column("created_at")] public long CreatedAt { get; set; }
    [Column("created_by")] public string CreatedBy { get; set; } = "";
    [Column("model")] public string Model { get; set; } = "";
    [Column("requested")] public string Requested { get; set; } = "";
    [Column("version")] public string? Version { get; set; }
    [Column("manifest_sha256")] public string? ManifestSha256 { get; set; }
    [Column("source")] public string? Source { get; set; }
    [Column("device_ids")] public string DeviceIds { get; set; } = "";
    [Column("selector")] public string? Selector { get; set; }
    [Column("percent")] public double? Percent { get; set; }
    [Column("canary")] public int Canary { get; set; }
    [Column("wave_base")] public int WaveBase { get; set; }
    [Column("wave_factor")] public double WaveFactor { get; set; }
    [Column("window_ms")] public long WindowMs { get; set; }
    [Column("abort_threshold")] public double AbortThreshold { get; set; }
    [Column("abort_min")] public int AbortMin { get; set; }
    [Column("device_timeout_ms")] public long DeviceTimeoutMs { get; set; }
    [Column("probation_seconds")] public int? ProbationSeconds { get; set; }
    [Column("state")] public string State { get; set; } = "";
    [Column("reason")] public string? Reason { get; set; }
    [Column("state_at")] public long StateAt { get; set; }
    [Column("promote")] public bool Promote { get; set; }
}

/// <summary>One row of <c>rollout_devices</c>.</summary>
public sealed class RolloutDeviceRow
{
    [Column("rollout_id")] public long RolloutId { get; set; }
    [Column("device_id")] public string DeviceId { get; set; } = "";
    [Column("wave")] public int Wave { get; set; }
    [Column("state")] public string State { get; set; } = "";
    [Column("reason")] public string? Reason { get; set; }
    [Column("state_at")] public long StateAt { get; set; }
    [Column("moved_at")] public long? MovedAt { get; set; }
    [Column("active_since")] public long? ActiveSince { get; set; }
    [Column("succeeded")] public bool Succeeded { get; set; }
    [Column("previous_version")] public string? PreviousVersion { get; set; }
    [Column("previous_desired")] public string? PreviousDesired { get; set; }
    [Column("revert_pending")] public bool RevertPending { get; set; }
    [Column("bytes_done")] public long? BytesDone { get; set; }
    [Column("bytes_total")] public long? BytesTotal { get; set; }
}
