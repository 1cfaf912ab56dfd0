using System.Globalization;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>What a rule saw for one (rule, device, camera, model): the figure, the bound it compared, and where from.</summary>
public sealed record AlertEvidence(
    string Rule,
    string DeviceId,
    string CameraId,
    string ModelName,
    string ModelVersion,
    string Metric,
    double Figure,
    double Bound,
    double Threshold,
    long Samples,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd);

/// <summary>
/// Alerts and their history in the hub database (tables <c>alerts</c>, <c>alert_events</c>): the only place alert state
/// lives, written by the rule engine, the API and the CLI alike. A transition is one transaction (the alert row and its
/// history row), and a second live alert for a key cannot be written (the partial unique index).
/// </summary>
public sealed class AlertStore(HubDatabase database)
{
    private const string Columns = """
        id, rule, severity, device_id, camera_id, model_name, model_version, metric, figure, bound, threshold, samples,
        window_start, window_end, opened_at, state, state_at, state_by, note, published_state
        """;

    public AlertRow? Get(long id) =>
        database.Read(connection => connection.Query<AlertRow>($"SELECT {Columns} FROM alerts WHERE id = ?", id)).FirstOrDefault();

    /// <summary>Alerts newest first, filtered by whichever of state, device and severity is given.</summary>
    public IReadOnlyList<AlertRow> List(string? state = null, string? deviceId = null, string? severity = null, int limit = 500) =>
        database.Read(connection => connection.Query<AlertRow>($"""
            SELECT {Columns} FROM alerts
            WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR device_id = ?2) AND (?3 IS NULL OR severity = ?3)
            ORDER BY id DESC LIMIT ?4
            """, state, deviceId, severity, limit));

    /// <summary>Every alert not resolved (open or acknowledged), oldest first.</summary>
    public IReadOnlyList<AlertRow> Live() =>
        database.Read(connection => connection.Query<AlertRow>(
            $"SELECT {Columns} FROM alerts WHERE state <> '{AlertStates.Resolved}' ORDER BY id"));

    /// <summary>The alert's transitions, oldest first.</summary>
    public IReadOnlyList<AlertEventRow> History(long alertId) =>
        database.Read(connection => connection.Query<AlertEventRow>(
            "SELECT id, alert_id, time, transition, actor, note, model_version, figure, bound, samples, notified FROM alert_events WHERE alert_id = ? ORDER BY id",
            alertId));

    /// <summary>Opens an alert with its first history row; null when the key already has a live alert (nothing written).</summary>
    public long? Open(AlertEvidence evidence, DateTimeOffset now) =>
        database.Write(connection =>
        {
            long? id = null;
            connection.RunInTransaction(() =>
            {
                var exists = connection.ExecuteScalar<long>(
                    $"SELECT count(*) FROM alerts WHERE rule = ? AND device_id = ? AND camera_id = ? AND model_name = ? AND state <> '{AlertStates.Resolved}'",
                    evidence.Rule, evidence.DeviceId, evidence.CameraId, evidence.ModelName);
                if (exists > 0)
                    return;
                var at = UnixTime.ToMs(now);
                connection.Execute($"""
                    INSERT INTO alerts (rule, severity, device_id, camera_id, model_name, model_version, metric, figure, bound, threshold,
                        samples, window_start, window_end, opened_at, state, state_at, state_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{AlertStates.Open}', ?, '{AlertTransitions.RuleActor}')
                    """, evidence.Rule, AlertRules.SeverityOf(evidence.Rule), evidence.DeviceId, evidence.CameraId, evidence.ModelName,
                    evidence.ModelVersion, evidence.Metric, evidence.Figure, evidence.Bound, evidence.Threshold, evidence.Samples,
                    UnixTime.ToMs(evidence.WindowStart), UnixTime.ToMs(evidence.WindowEnd), at, at);
                id = connection.ExecuteScalar<long>("SELECT last_insert_rowid()");
                AddEvent(connection, id.Value, at, AlertTransitions.Opened, AlertTransitions.RuleActor, null, evidence);
            });
            return id;
        });

    /// <summary>Records the newest evidence on a live alert (figure, bound, version, window); no history row: nothing changed state.</summary>
    public void Refresh(long id, AlertEvidence evidence) =>
        database.Write(connection => connection.Execute($"""
            UPDATE alerts SET model_version = ?, metric = ?, figure = ?, bound = ?, threshold = ?, samples = ?, window_start = ?, window_end = ?
            WHERE id = ? AND state <> '{AlertStates.Resolved}'
            """, evidence.ModelVersion, evidence.Metric, evidence.Figure, evidence.Bound, evidence.Threshold, evidence.Samples,
            UnixTime.ToMs(evidence.WindowStart), UnixTime.ToMs(evidence.WindowEnd), id));

    /// <summary>Open → acknowledged by <paramref name="actor"/>; false when the alert is not open.</summary>
    public bool Acknowledge(long id, string actor, string? note, DateTimeOffset now) =>
        Transition(id, AlertStates.Acknowledged, AlertTransitions.Acknowledged, actor, note, null, now, AlertStates.Open);

    /// <summary>
    /// Open or acknowledged → resolved by <paramref name="actor"/> (an operator, or <see cref="AlertTransitions.RuleActor"/>
    /// with the <paramref name="evidence"/> that it recovered); false when it is already resolved.
    /// </summary>
    public bool Resolve(long id, string actor, string? note, AlertEvidence? evidence, DateTimeOffset now) =>
        Transition(id, AlertStates.Resolved, AlertTransitions.Resolved, actor, note, evidence, now, AlertStates.Open, AlertStates.Acknowledged);

    private bool Transition(long id, string state, string transition, string actor, string? note, AlertEvidence? evidence, DateTimeOffset now, params string[] from) =>
        database.Write(connection =>
        {
            var changed = false;
            connection.RunInTransaction(() =>
            {
                var at = UnixTime.ToMs(now);
                changed = connection.Execute(
                    $"UPDATE alerts SET state = ?, state_at = ?, state_by = ?, note = ? WHERE id = ? AND state IN ({string.Join(',', from.Select(s => $"'{s}'"))})",
                    state, at, actor, note, id) > 0;
                if (!changed)
                    return;
                if (evidence is not null)
                {
                    connection.Execute("""
                        UPDATE alerts SET model_version = ?, metric = ?, figure = ?, bound = ?, samples = ?, window_start = ?, window_end = ? WHERE id = ?
                        """, evidence.ModelVersion, evidence.Metric, evidence.Figure, evidence.Bound, evidence.Samples,
                        UnixTime.ToMs(evidence.WindowStart), UnixTime.ToMs(evidence.WindowEnd), id);
                }
                var row = connection.Query<AlertRow>($"SELECT {Columns} FROM alerts WHERE id = ?", id)[0];
                AddEvent(connection, id, at, transition, actor, note, row.Evidence());
            });
            return changed;
        });

    private static void AddEvent(SQLiteConnection connection, long alertId, long at, string transition, string actor, string? note, AlertEvidence evidence) =>
        connection.Execute("""
            INSERT INTO alert_events (alert_id, time, transition, actor, note, model_version, figure, bound, samples)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, alertId, at, transition, actor, note, evidence.ModelVersion, evidence.Figure, evidence.Bound, evidence.Samples);

    /// <summary>Transitions not yet handed to the webhook queue, oldest first.</summary>
    public IReadOnlyList<AlertEventRow> Unnotified() =>
        database.Read(connection => connection.Query<AlertEventRow>(
            "SELECT id, alert_id, time, transition, actor, note, model_version, figure, bound, samples, notified FROM alert_events WHERE notified = 0 ORDER BY id"));

    public void MarkNotified(long eventId) =>
        database.Write(connection => connection.Execute("UPDATE alert_events SET notified = 1 WHERE id = ?", eventId));

    /// <summary>
    /// Alerts whose retained message is not what the broker should hold: live ones not published in their state, resolved
    /// ones not cleared; every live one and every resolved one ever published when <paramref name="all"/> (after a start).
    /// </summary>
    public IReadOnlyList<AlertRow> Unpublished(bool all) =>
        database.Read(connection => connection.Query<AlertRow>(all
            ? $"SELECT {Columns} FROM alerts WHERE state <> '{AlertStates.Resolved}' OR (published_state IS NOT NULL AND published_state <> 'cleared') ORDER BY id"
            : $"""
              SELECT {Columns} FROM alerts
              WHERE (state <> '{AlertStates.Resolved}' AND (published_state IS NULL OR published_state <> state))
                 OR (state = '{AlertStates.Resolved}' AND published_state IS NOT NULL AND published_state <> 'cleared')
              ORDER BY id
              """));

    /// <summary>Records what the broker now holds for the alert (its state, or <c>cleared</c>), unless the alert moved on meanwhile.</summary>
    public void MarkPublished(long id, string stateSeen, string published) =>
        database.Write(connection => connection.Execute(
            "UPDATE alerts SET published_state = ? WHERE id = ? AND state = ?", published, id, stateSeen));

    /// <summary>Live alerts per (severity, rule).</summary>
    public IReadOnlyDictionary<(string Severity, string Rule), long> LiveCounts() =>
        database.Read(connection => connection.Query<CountRow>(
                $"SELECT severity, rule, count(*) AS n FROM alerts WHERE state <> '{AlertStates.Resolved}' GROUP BY severity, rule"))
            .ToDictionary(row => (row.Severity, row.Rule), row => row.N);

    public static string IdText(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed class CountRow
    {
        [Column("severity")] public string Severity { get; set; } = "";
        [Column("rule")] public string Rule { get; set; } = "";
        [Column("n")] public long N { get; set; }
    }
}

/// <summary>One row of <c>alerts</c>.</summary>
public sealed class AlertRow
{
    [Column("id")] public long Id { get; set; }
    [Column("rule")] public string Rule { get; set; } = "";
    [Column("severity")] public string Severity { get; set; } = "";
    [Column("device_id")] public string DeviceId { get; set; } = "";
    [Column("camera_id")] public string CameraId { get; set; } = "";
    [Column("model_name")] public string ModelName { get; set; } = "";
    [Column("model_version")] public string ModelVersion { get; set; } = "";
    [Column("metric")] public string Metric { get; set; } = "";
    [Column("figure")] public double Figure { get; set; }
    [Column("bound")] public double Bound { get; set; }
    [Column("threshold")] public double Threshold { get; set; }
    [Column("samples")] public long Samples { get; set; }
    [Column("window_start")] public long WindowStart { get; set; }
    [Column("window_end")] public long WindowEnd { get; set; }
    [Column("opened_at")] public long OpenedAt { get; set; }
    [Column("state")] public string State { get; set; } = "";
    [Column("state_at")] public long StateAt { get; set; }
    [Column("state_by")] public string StateBy { get; set; } = "";
    [Column("note")] public string? Note { get; set; }
    [Column("published_state")] public string? PublishedState { get; set; }

    public AlertEvidence Evidence() => new(Rule, DeviceId, CameraId, ModelName, ModelVersion, Metric, Figure, Bound, Threshold, Samples,
        UnixTime.FromMs(WindowStart), UnixTime.FromMs(WindowEnd));

    /// <summary>Where the alert's samples are listed (the review queue's API), filtered to its device, camera and model.</summary>
    public string SamplesLink =>
        $"/api/review/samples?device={Uri.EscapeDataString(DeviceId)}&camera={Uri.EscapeDataString(CameraId)}&model={Uri.EscapeDataString(ModelName)}";

    /// <summary>The retained MQTT payload and webhook detail.</summary>
    public AlertMessage ToMessage() => new(Id, State, Severity, Rule, DeviceId, CameraId, ModelName, ModelVersion, Metric, Figure, Bound, Threshold,
        Samples, UnixTime.FromMs(WindowStart), UnixTime.FromMs(WindowEnd), UnixTime.FromMs(OpenedAt), SamplesLink);
}

/// <summary>One row of <c>alert_events</c>.</summary>
public sealed class AlertEventRow
{
    [Column("id")] public long Id { get; set; }
    [Column("alert_id")] public long AlertId { get; set; }
    [Column("time")] public long Time { get; set; }
    [Column("transition")] public string Transition { get; set; } = "";
    [Column("actor")] public string Actor { get; set; } = "";
    [Column("note")] public string? Note { get; set; }
    [Column("model_version")] public string ModelVersion { get; set; } = "";
    [Column("figure")] public double Figure { get; set; }
    [Column("bound")] public double Bound { get; set; }
    [Column("samples")] public long Samples { get; set; }
    [Column("notified")] public bool Notified { get; set; }
}
