using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Messaging;
using EdgeMlops.Resilience;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// What the drain does when the broker refuses a message or the store fails: says so, then starts again from the
/// oldest record left after a backoff that grows while nothing gets through.
/// </summary>
internal sealed class DrainSetbacks(OutboxDrain drain, ReconnectOptions reconnect, BrokerAddress broker, NoSubscriberOutage outage,
    QuotaOutage quota, TimeProvider time, ILogger logger)
{
    private readonly ExponentialBackoff _retry = new(reconnect.ToBackoffPolicy());

    /// <summary>Records got through (or there was nothing to send): the next setback waits the initial delay again.</summary>
    public void Progressed() => _retry.Reset();

    /// <summary>The broker refused <paramref name="refusal"/>'s message for now (no subscriber, quota, ...): the records stay.</summary>
    public Task RefusedAsync(SyncPublishException refusal, CancellationToken cancellationToken)
    {
        var delay = StartOver();
        if (refusal.Outcome.NoSubscriber)
            outage.Refused(refusal.OutboxMessage, refusal.Outcome, delay);
        else if (refusal.Outcome.QuotaExceeded)
            delay = quota.Refused(refusal.OutboxMessage, refusal.Outcome, delay);
        else
            logger.LogError("Broker {Broker} refused {MessageKind} {SeqRange} ({Reason}); the records stay in the outbox, trying again in {Delay:0.#} s",
                broker, refusal.OutboxMessage.IsSample ? "sample" : "telemetry batch", refusal.OutboxMessage.SeqRange, refusal.Outcome.Detail, delay.TotalSeconds);
        return QuietDelay.WaitAsync(delay, time, cancellationToken);
    }

    public Task StoreFailedAsync(EdgeStoreException failure, CancellationToken cancellationToken)
    {
        var delay = StartOver();
        logger.LogWarning("Sync cannot use the telemetry store ({Problem}): {Reason}; trying again in {Delay:0.#} s",
            failure.Problem, failure.Reason, delay.TotalSeconds);
        return QuietDelay.WaitAsync(delay, time, cancellationToken);
    }

    private TimeSpan StartOver()
    {
        drain.Rewind();
        return _retry.Next();
    }
}
