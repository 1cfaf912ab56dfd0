using SQLite;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>A device as the devices table holds it; times in Unix milliseconds.</summary>
public sealed class DeviceRow
{
    [Column("id")] public string Id { get; set; } = "";
    [Column("enrolled_at")] public long EnrolledAt { get; set; }
    [Column("enrolled")] public bool Enrolled { get; set; }
    [Column("online")] public bool Online { get; set; }
    [Column("last_seen")] public long? LastSeen { get; set; }
    [Column("last_status_at")] public long? LastStatusAt { get; set; }
    [Column("agent_version")] public string? AgentVersion { get; set; }
    [Column("reported_at")] public long? ReportedAt { get; set; }
    [Column("outbox_epoch")] public long? OutboxEpoch { get; set; }
    [Column("last_issued_seq")] public long? LastIssuedSeq { get; set; }
    [Column("pending")] public long? Pending { get; set; }
    [Column("oldest_pending_seq")] public long? OldestPendingSeq { get; set; }
    [Column("evicted")] public long? Evicted { get; set; }
    [Column("model_name")] public string? ModelName { get; set; }
    [Column("model_version")] public string? ModelVersion { get; set; }
    [Column("data_epoch")] public long? DataEpoch { get; set; }
    [Column("highest_seq")] public long? HighestSeq { get; set; }
}

/// <summary>Columns every record table shares: its key, its time, and the payload as the device wrote it.</summary>
public abstract class RecordRow
{
    [Column("device_id")] public string DeviceId { get; set; } = "";
    [Column("epoch")] public long Epoch { get; set; }
    [Column("seq")] public long Seq { get; set; }
    [Column("camera_id")] public string CameraId { get; set; } = "";
    [Column("time")] public long Time { get; set; }
    [Column("created_at")] public long CreatedAt { get; set; }
    [Column("received_at")] public long ReceivedAt { get; set; }
    [Column("payload")] public string Payload { get; set; } = "";

    /// <summary>Where a page that ends with this row continues.</summary>
    [Ignore] public RecordKey Key => new(Time, Epoch, Seq);
}

/// <summary>A stored vehicle event.</summary>
public sealed class EventRow : RecordRow
{
    [Column("label")] public string Label { get; set; } = "";
    [Column("confidence")] public double Confidence { get; set; }
}

/// <summary>A stored stats interval.</summary>
public sealed class StatsRow : RecordRow
{
    [Column("estimated_precision")] public double? EstimatedPrecision { get; set; }
}

/// <summary>A stored review sample; its image is a file under the samples directory.</summary>
public sealed class SampleRow : RecordRow
{
    [Column("label")] public string Label { get; set; } = "";
    [Column("confidence")] public double Confidence { get; set; }
    [Column("sample_id")] public string SampleId { get; set; } = "";
    [Column("reason")] public string Reason { get; set; } = "";
    [Column("image_path")] public string ImagePath { get; set; } = "";
    [Column("image_bytes")] public long ImageBytes { get; set; }
}

/// <summary>The order records are listed in: time, then (epoch, seq), which no two records share.</summary>
public readonly record struct RecordKey(long Time, long Epoch, long Seq);

/// <summary>Which records of one device to list.</summary>
/// <param name="From">Earliest time, inclusive (Unix ms).</param>
/// <param name="To">Latest time, exclusive (Unix ms).</param>
/// <param name="After">List only records after this key (keyset paging).</param>
public sealed record RecordQuery(string DeviceId, string? CameraId, long? From, long? To, RecordKey? After, int Limit);
