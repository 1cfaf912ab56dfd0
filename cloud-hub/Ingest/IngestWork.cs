using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// A message parsed and checked on the caller's thread, waiting for the writer to store it. Everything here is
/// already valid: the writer only asks the database whether the device is still enrolled and what was already there.
/// </summary>
internal abstract record IngestWork(string DeviceId, DateTimeOffset ReceivedAt)
{
    /// <summary>Rows this work inserts; groups are cut by it.</summary>
    public virtual int RecordCount => 1;
}

/// <summary>The accepted records of one telemetry batch.</summary>
internal sealed record TelemetryWork(string DeviceId, DateTimeOffset ReceivedAt, long Epoch, IReadOnlyList<ParsedRecord> Records)
    : IngestWork(DeviceId, ReceivedAt)
{
    public override int RecordCount => Records.Count;
}

/// <summary>
/// One event, stats or precision record, with the columns the hub queries by pulled out and the payload kept as the
/// device wrote it.
/// </summary>
/// <param name="CameraId">The camera; empty for a canary precision report.</param>
/// <param name="Time">The event's lastSeen, the stats interval's end, or the precision report's window start.</param>
/// <param name="Label">The event's label; null for stats and precision.</param>
/// <param name="Value">The event's confidence, or the stats' estimated precision (may be null).</param>
internal sealed record ParsedRecord(
    string Kind,
    long Seq,
    string CameraId,
    DateTimeOffset Time,
    string? Label,
    double? Value,
    DateTimeOffset CreatedAt,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The report of a precision record, whose classes and drift signals get rows and columns of their own.</summary>
    public PrecisionReport? Precision { get; init; }
}

/// <summary>A review sample whose image is already on disk under <paramref name="ImagePath"/>.</summary>
internal sealed record SampleWork(
    string DeviceId,
    DateTimeOffset ReceivedAt,
    SampleHeader Header,
    string ImagePath,
    long ImageBytes,
    byte[] InfoJson) : IngestWork(DeviceId, ReceivedAt)
{
    /// <summary>
    /// SHA-256 of the image already on disk under this key and of the one that came now, when they differ (a clone's
    /// sample; the one on disk stays); null when no image was there or it is the same.
    /// </summary>
    public (string Stored, string Incoming)? ImageConflict { get; init; }
}

/// <summary>A status message: online, or offline (possibly the device's last will).</summary>
internal sealed record StatusWork(string DeviceId, DateTimeOffset ReceivedAt, DeviceStatus Status) : IngestWork(DeviceId, ReceivedAt);

/// <summary>A reported state, kept whole and with its backlog pulled out into columns.</summary>
internal sealed record ReportedWork(string DeviceId, DateTimeOffset ReceivedAt, ReportedState State, byte[] Json)
    : IngestWork(DeviceId, ReceivedAt);

/// <summary>What the writer did with one piece of work.</summary>
internal readonly record struct StoreOutcome(bool NotEnrolled, RecordCounts Stored, RecordCounts Duplicates)
{
    /// <summary>Records refused because their key was already stored with other content (a cloned device).</summary>
    public RecordCounts Conflicts { get; init; }

    /// <summary>This work raised the device's <c>cloned-device</c> condition (it was not raised before).</summary>
    public bool ConditionRaised { get; init; }

    /// <summary>The epoch of the conflicting records.</summary>
    public long ConflictEpoch { get; init; }

    /// <summary>The seq of the first conflicting record.</summary>
    public long? FirstConflictSeq { get; init; }

    public static StoreOutcome DeviceNotEnrolled { get; } = new(true, default, default);
}

/// <summary>Rows by record kind.</summary>
internal readonly record struct RecordCounts(int Events, int Stats, int Samples, int Precisions = 0)
{
    public int Total => Events + Stats + Samples + Precisions;

    public RecordCounts Add(string kind) => kind switch
    {
        OutboxKinds.Event => this with { Events = Events + 1 },
        OutboxKinds.Stats => this with { Stats = Stats + 1 },
        OutboxKinds.Precision => this with { Precisions = Precisions + 1 },
        _ => this with { Samples = Samples + 1 },
    };
}
