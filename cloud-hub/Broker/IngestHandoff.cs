using System.Buffers;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>What the broker side answers for one device message, and why.</summary>
public readonly record struct IngestAnswer(AckOutcome Outcome, string? Reason);

/// <summary>
/// Hands one device message to <see cref="IMessageIngest"/> and turns the result into the acknowledgement the device
/// gets. Both broker modes go through here, so both answer alike: stored -> success; refused payload -> 0x99, counted
/// (the device drops it); device not (or no longer) enrolled -> 0x87 and a version this hub does not read -> 0x83, both
/// of which the device keeps and sends again later; store failure -> 0x80 / no acknowledgement, so the device keeps the
/// message and sends it again.
/// </summary>
public sealed class IngestHandoff(
    IMessageIngest ingest,
    BrokerMetrics metrics,
    IngestMetrics ingestMetrics,
    RejectionLog rejections,
    TimeProvider time,
    ILogger<IngestHandoff> logger)
{
    private readonly RateLimitedLog _rejectionLog = new(time, TimeSpan.FromSeconds(10));
    private readonly RateLimitedLog _failureLog = new(time, TimeSpan.FromSeconds(10));

    /// <exception cref="OperationCanceledException">The connection went away meanwhile; nothing may be acknowledged.</exception>
    public async Task<IngestAnswer> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        metrics.MessageIn(deviceTopic.Channel);
        // Refused before anything is copied: an oversized packet is large by definition.
        if (deviceTopic.Channel != DeviceChannel.Desired && PayloadLimits.Check(deviceTopic.Channel, payload.Length) is { } oversized)
            return RejectOversized(deviceTopic, topic, oversized);
        // Multi-segment payloads only come from large packets; one copy is cheaper than teaching ingest about sequences.
        var memory = payload.IsSingleSegment ? payload.First : payload.ToArray();
        IngestAnswer answer;
        try
        {
            var result = await ingest.IngestAsync(topic, memory, cancellationToken).ConfigureAwait(false);
            answer = result.Status == IngestStatus.Rejected
                ? new IngestAnswer(RejectionOutcome(result), result.Reason)
                : new IngestAnswer(AckOutcome.Success, null);
            if (result.Status == IngestStatus.Rejected && _rejectionLog.ShouldLog(deviceTopic.DeviceId, out var suppressed))
                logger.LogWarning("Rejected a {Channel} message of device {DeviceId} ({Bytes} bytes, answered {Outcome}): {Reason}; {Suppressed} more rejections of this device since the last report",
                    deviceTopic.Channel, deviceTopic.DeviceId, memory.Length, BrokerMetrics.Label(answer.Outcome), result.Reason, suppressed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            answer = new IngestAnswer(AckOutcome.UnspecifiedError, "the hub could not store the message; send it again later");
            if (_failureLog.ShouldLog("store", out var suppressed))
                logger.LogError(ex, "Ingest failed for a {Channel} message of device {DeviceId}; it stays unacknowledged and the device sends it again ({Suppressed} more failures since the last report)",
                    deviceTopic.Channel, deviceTopic.DeviceId, suppressed);
        }
        metrics.Acknowledged(answer.Outcome);
        return answer;
    }

    /// <summary>
    /// Only a bad payload is dropped by the device (0x99). A device that is not enrolled (yet, or any more) and a version
    /// this hub does not read yet are no reason to lose records: 0x87 / 0x83 make the device keep them and retry.
    /// </summary>
    private static AckOutcome RejectionOutcome(IngestResult result) =>
        result.NotEnrolled ? AckOutcome.NotAuthorized
        : result.Kind == RejectionKind.UnsupportedVersion ? AckOutcome.ImplementationSpecificError
        : AckOutcome.PayloadFormatInvalid;

    private IngestAnswer RejectOversized(DeviceTopic deviceTopic, string topic, PayloadRejection rejection)
    {
        var channel = IngestChannels.Name(deviceTopic.Channel);
        ingestMetrics.RecordRejection(channel, rejection.Kind.ToString());
        ingestMetrics.RecordMessage(channel, IngestStatus.Rejected);
        rejections.Add(topic, deviceTopic, rejection); // logs it too, rate-limited
        var answer = new IngestAnswer(AckOutcome.PayloadFormatInvalid, rejection.Reason);
        metrics.Acknowledged(answer.Outcome);
        return answer;
    }
}
