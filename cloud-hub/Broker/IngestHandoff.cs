using System.Buffers;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>What the broker side answers for one device message, and why.</summary>
public readonly record struct IngestAnswer(AckOutcome Outcome, string? Reason);

/// <summary>
/// Hands one device message to ingest (through <see cref="IngestAdmission"/>, which checks its size before anything
/// is copied) and turns the result into the acknowledgement the device gets (<see cref="AckReasonCodes"/>). Both broker
/// modes, and the offline status the embedded broker records for a vanished device, go through here, so all answer alike: stored -> success; refused payload -> 0x99, counted
/// (the device drops it); device not (or no longer) enrolled -> 0x87 and a version this hub does not read -> 0x83, both
/// of which the device keeps and sends again later; store failure -> 0x80 / no acknowledgement, so the device keeps the
/// message and sends it again.
/// </summary>
public sealed class IngestHandoff(
    IMessageIngest ingest,
    BrokerMetrics metrics,
    TimeProvider time,
    ILogger<IngestHandoff> logger)
{
    private readonly RateLimitedLog _rejectionLog = new(time, TimeSpan.FromSeconds(10));
    private readonly RateLimitedLog _failureLog = new(time, TimeSpan.FromSeconds(10));

    /// <param name="deviceTopic"><paramref name="topic"/> as the broker side read it to authorize it: a device channel the hub ingests.</param>
    /// <exception cref="OperationCanceledException">The connection went away meanwhile; nothing may be acknowledged.</exception>
    public async Task<IngestAnswer> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        metrics.MessageIn(deviceTopic.Channel);
        var answer = await HandOverAsync(deviceTopic, topic, payload, cancellationToken).ConfigureAwait(false);
        metrics.Acknowledged(answer.Outcome);
        return answer;
    }

    /// <summary>
    /// Ingests a message the broker writes on a device's behalf (its offline status when it vanished without a will):
    /// the same path, but not counted as a message the device sent nor as an acknowledgement it got.
    /// </summary>
    public Task<IngestAnswer> IngestOnBehalfAsync(DeviceTopic deviceTopic, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken) =>
        HandOverAsync(deviceTopic, topic, payload, cancellationToken);

    private async Task<IngestAnswer> HandOverAsync(DeviceTopic deviceTopic, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        IngestAnswer answer;
        try
        {
            var result = await ingest.AdmitAsync(deviceTopic, topic, payload, cancellationToken).ConfigureAwait(false);
            answer = result.Status == IngestStatus.Rejected ? new IngestAnswer(RejectionOutcome(result), result.Reason)
                // Records a clone stored first under the same keys: the device keeps its own and sends them again later.
                : result.Conflicts > 0 ? new IngestAnswer(AckOutcome.ImplementationSpecificError, result.Reason)
                : new IngestAnswer(AckOutcome.Success, null);
            if (result.Status == IngestStatus.Rejected && _rejectionLog.ShouldLog(deviceTopic.DeviceId, out var suppressed))
                logger.LogWarning("Rejected a {Channel} message of device {DeviceId} ({Bytes} bytes, answered {Outcome}): {Reason}; {Suppressed} more rejections of this device since the last report",
                    deviceTopic.Channel, deviceTopic.DeviceId, payload.Length, BrokerMetrics.Label(answer.Outcome), LogText.Escape(result.Reason), suppressed);
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
        return answer;
    }

    /// <summary>
    /// Only a bad payload is dropped by the device (0x99). A device that is not enrolled (yet, or any more) and a version
    /// this hub does not read yet are no reason to lose records: 0x87 / 0x83 make the device keep them and retry.
    /// </summary>
    private static AckOutcome RejectionOutcome(IngestResult result) =>
        result.NotEnrolled ? AckOutcome.NotAuthorized
        : result.Kind == RejectionKind.UnsupportedVersion ? AckOutcome.ImplementationSpecificError
        : result.Kind == RejectionKind.QuotaExceeded ? AckOutcome.QuotaExceeded
        : AckOutcome.PayloadFormatInvalid;
}
