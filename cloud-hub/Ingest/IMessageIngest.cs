using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// Takes every message devices publish (telemetry, samples, status, reported) into the hub store. Messages come in
/// through <see cref="IngestAdmission"/>, which reads the topic and checks the size once, before anything is copied.
/// </summary>
/// <remarks>
/// Returns only when what it stored is durable: the broker side acknowledges the publish (PUBACK) after this returns,
/// so a hub killed mid-ingest leaves the message unacknowledged and the device sends it again. Never throws for bad
/// payloads (they come back as <see cref="IngestStatus.Rejected"/> with a reason, and are counted); throws only when the
/// store itself fails, in which case the message must not be acknowledged.
/// </remarks>
public interface IMessageIngest
{
    /// <summary>Ingests one message <see cref="IngestAdmission"/> let in: a device channel the hub ingests, within its size limit.</summary>
    /// <param name="deviceTopic"><paramref name="topic"/>, already read.</param>
    ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Counts and logs a message <see cref="IngestAdmission"/> refused on the way in, like any rejection.</summary>
    IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection);
}

/// <summary>What became of one message.</summary>
public enum IngestStatus
{
    /// <summary>Stored (possibly all of it already there before: see <see cref="IngestResult.Duplicates"/>).</summary>
    Stored,

    /// <summary>Refused as a whole; <see cref="IngestResult.Reason"/> says why.</summary>
    Rejected,

    /// <summary>Not a topic the hub ingests (e.g. desired, which only the hub writes).</summary>
    Ignored,
}

/// <summary>What became of one message.</summary>
/// <param name="Stored">Records newly stored.</param>
/// <param name="Duplicates">Records already stored before, by (device, epoch, seq): an at-least-once redelivery.</param>
/// <param name="RejectedRecords">Records inside an accepted batch refused one by one (the rest of the batch was stored).</param>
/// <param name="Reason">Why the message (or its first refused record) was refused.</param>
public sealed record IngestResult(IngestStatus Status, int Stored, int Duplicates, int RejectedRecords, string? Reason)
{
    /// <summary>
    /// Why a <see cref="IngestStatus.Rejected"/> message was refused, when it was for its payload: the first refused
    /// record's kind, or <see cref="RejectionKind.UnsupportedVersion"/> when any refused record (or the whole message) was
    /// of a version this build does not read. Null when not rejected for its payload (see <see cref="NotEnrolled"/>).
    /// </summary>
    public RejectionKind? Kind { get; init; }

    /// <summary>Refused because the device is not (or no longer) enrolled: nothing about the payload itself.</summary>
    public bool NotEnrolled { get; init; }

    /// <summary>
    /// Records not stored because their (device, epoch, seq) is stored already with other content: a clone of the device
    /// published first. The device must keep them (the rest of the message was stored); <see cref="Reason"/> says so.
    /// </summary>
    public int Conflicts { get; init; }
}
