using System.Buffers;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// The one way into <see cref="IMessageIngest"/>: a message's topic is read and its size checked here, once, before
/// anything is copied. Both broker modes come in through <see cref="Broker.IngestHandoff"/>, which calls this; callers
/// holding a raw topic and an array (tools, tests) call it directly.
/// </summary>
public static class IngestAdmission
{
    /// <summary>Ingests a message that arrived on <paramref name="topic"/>; a topic the hub does not ingest (desired, or not a device's) is ignored.</summary>
    public static ValueTask<IngestResult> IngestAsync(this IMessageIngest ingest, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return TryReadTopic(topic, out var deviceTopic)
            ? ingest.AdmitAsync(deviceTopic, topic, new ReadOnlySequence<byte>(payload), cancellationToken)
            : ValueTask.FromResult(new IngestResult(IngestStatus.Ignored, 0, 0, 0, null));
    }

    /// <summary>Ingests a message whose topic the broker side has already read (to authorize it), if its size fits the channel.</summary>
    public static ValueTask<IngestResult> AdmitAsync(this IMessageIngest ingest, DeviceTopic deviceTopic, string topic, ReadOnlySequence<byte> payload,
        CancellationToken cancellationToken)
    {
        // Refused before anything is copied: an oversized packet is large by definition.
        if (PayloadLimits.Check(deviceTopic.Channel, payload.Length) is { } oversized)
            return ValueTask.FromResult(ingest.RefuseAtAdmission(deviceTopic, topic, oversized));
        // Multi-segment payloads only come from large packets; one copy is cheaper than teaching ingest about sequences.
        var memory = payload.IsSingleSegment ? payload.First : payload.ToArray();
        return ingest.IngestAsync(deviceTopic, topic, memory, cancellationToken);
    }

    /// <summary>Whether <paramref name="topic"/> is a device channel the hub ingests: everything devices publish, not desired (which only the hub writes).</summary>
    public static bool TryReadTopic(string topic, out DeviceTopic deviceTopic) =>
        Topics.TryParse(topic, out deviceTopic) && deviceTopic.Channel != DeviceChannel.Desired;
}
