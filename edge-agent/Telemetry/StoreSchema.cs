using EdgeMlops.Sqlite;
using SQLite;

namespace EdgeMlops.EdgeAgent.Telemetry;

// The store's schema: the ordered steps in StoreSchema build it, the row classes below map it for sqlite-net. Every record table is keyed by the record's seq
// and has no secondary index, because acknowledgement and eviction delete the lowest seqs: that empties whole leaf
// pages, which SQLite can reuse at once, where an index in another order would keep half-empty pages around.
// Typed tables hold only records still in the outbox (acknowledged ones are deleted, see EdgeStore), so each of their
// rows has exactly one outbox row and vice versa. The few columns beside the payload are there for people inspecting
// the file with sqlite3.

/// <summary>The store's schema as ordered steps; a file records the last step it had in <c>user_version</c>.</summary>
internal static class StoreSchema
{
    /// <summary>Every step, oldest first; a new table is a new step at the end (plain SQL, like <see cref="SchemaMigration.Sql"/>).</summary>
    public static SchemaMigrations Migrations { get; } = new("agent store",
        // Files of the first release have these tables at user_version 0; creating them is a no-op there.
        new SchemaMigration(1, "records, outbox and counters as sqlite-net maps the row classes", connection =>
            connection.CreateTables(CreateFlags.None,
                typeof(VehicleEventRow), typeof(CameraStatsRow), typeof(ReviewSampleRow), typeof(OutboxRow), typeof(MetaRow))),
        new SchemaMigration(2, "precision reports (issue 11)", connection => connection.CreateTable<PrecisionReportRow>()))
    {
        // "EMAG": marks the file as an agent store, so --db pointed at another file is refused untouched.
        ApplicationId = 0x454D4147,
    };
}

internal static class TableNames
{
    public const string VehicleEvents = "vehicle_events";
    public const string CameraStats = "camera_stats";
    public const string ReviewSamples = "review_samples";
    public const string PrecisionReports = "precision_reports";
    public const string Outbox = "outbox";
    public const string Meta = "meta";
}

/// <summary>A <see cref="Contracts.VehicleEvent"/>; <see cref="Payload"/> is its contract JSON.</summary>
[Table(TableNames.VehicleEvents)]
internal sealed class VehicleEventRow
{
    [PrimaryKey, Column("seq")] public long Seq { get; set; }
    [Column("camera_id"), NotNull] public string CameraId { get; set; } = "";
    [Column("label"), NotNull] public string Label { get; set; } = "";
    [Column("last_seen_ms")] public long LastSeenMs { get; set; }
    [Column("payload"), NotNull] public string Payload { get; set; } = "";
}

/// <summary>A <see cref="Contracts.CameraStats"/>; <see cref="Payload"/> is its contract JSON.</summary>
[Table(TableNames.CameraStats)]
internal sealed class CameraStatsRow
{
    [PrimaryKey, Column("seq")] public long Seq { get; set; }
    [Column("camera_id"), NotNull] public string CameraId { get; set; } = "";
    [Column("interval_end_ms")] public long IntervalEndMs { get; set; }
    [Column("payload"), NotNull] public string Payload { get; set; } = "";
}

/// <summary>A review crop: <see cref="Payload"/> is its <see cref="Contracts.ReviewSampleInfo"/> JSON, <see cref="Jpeg"/> the image.</summary>
[Table(TableNames.ReviewSamples)]
internal sealed class ReviewSampleRow
{
    [PrimaryKey, Column("seq")] public long Seq { get; set; }
    [Column("camera_id"), NotNull] public string CameraId { get; set; } = "";
    [Column("sample_id"), NotNull] public string SampleId { get; set; } = "";
    [Column("captured_at_ms")] public long CapturedAtMs { get; set; }
    [Column("payload"), NotNull] public string Payload { get; set; } = "";
    [Column("jpeg"), NotNull] public byte[] Jpeg { get; set; } = [];
}

/// <summary>A <see cref="Contracts.PrecisionReport"/>; <see cref="Payload"/> is its contract JSON. No camera for a canary report.</summary>
[Table(TableNames.PrecisionReports)]
internal sealed class PrecisionReportRow
{
    [PrimaryKey, Column("seq")] public long Seq { get; set; }
    [Column("camera_id")] public string? CameraId { get; set; }
    [Column("source"), NotNull] public string Source { get; set; } = "";
    [Column("window_end_ms")] public long WindowEndMs { get; set; }
    [Column("payload"), NotNull] public string Payload { get; set; } = "";
}

/// <summary>A record not yet acknowledged by the broker, in seq order across kinds.</summary>
[Table(TableNames.Outbox)]
internal sealed class OutboxRow
{
    [PrimaryKey, Column("seq")] public long Seq { get; set; }
    [Column("kind"), NotNull] public string Kind { get; set; } = "";
    [Column("created_at_ms")] public long CreatedAtMs { get; set; }
}

/// <summary>Counters that must survive restarts; see <see cref="MetaKeys"/>.</summary>
[Table(TableNames.Meta)]
internal sealed class MetaRow
{
    [PrimaryKey, Column("key")] public string Key { get; set; } = "";
    [Column("value")] public long Value { get; set; }
}

internal static class MetaKeys
{
    /// <summary>The last seq ever issued. Not MAX(seq): acknowledged rows are deleted, and their seqs must not come back.</summary>
    public const string LastSeq = "last_seq";
    public const string EvictedSamples = "evicted_samples";
    public const string EvictedStats = "evicted_stats";
    public const string EvictedEvents = "evicted_events";
    public const string EvictedPrecision = "evicted_precision";

    /// <summary>The file's incarnation (see <see cref="StoreDatabase.ReadOrCreateEpoch"/>); written once, replaced only when the hub says so (<see cref="StoreDatabase.ReplaceEpoch"/>).</summary>
    public const string Epoch = "epoch";
}

/// <summary>One outbox record joined with its typed row, as <see cref="StoreDatabase.ReadOutbox"/> returns it.</summary>
internal sealed class OutboxEntryRow
{
    public long Seq { get; set; }
    public string Kind { get; set; } = "";
    public long CreatedAtMs { get; set; }
    public string Payload { get; set; } = "";
    public byte[]? Jpeg { get; set; }
}
