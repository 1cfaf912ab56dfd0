using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Messaging;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// The broker had no subscriber for outbox messages (PUBACK 0x10: the hub is not connected to it): warns once per outage
/// and topic, then only at debug level while the outage lasts, that is until the broker acknowledges records again.
/// Lives as long as the sync service, across sessions.
/// </summary>
internal sealed class NoSubscriberOutage(BrokerAddress broker, EdgeStore store, SyncProgress progress, ILogger logger)
{
    // Topics refused since the broker last acknowledged records (AckedRecords then).
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private long _ackedAtLastRefusal;

    public void Refused(OutboxMessage message, PublishOutcome outcome, TimeSpan retryIn)
    {
        var acked = progress.AckedRecords;
        if (acked > _ackedAtLastRefusal)
            _topics.Clear();
        _ackedAtLastRefusal = acked;
        if (_topics.Add(message.Topic))
            logger.LogWarning(
                "Broker {Broker} has no subscriber for {Topic} (is the hub connected to it?); records kept: {MessageKind} {SeqRange} and everything after it stay in the outbox ({Pending} records, {Detail}), trying again with backoff",
                broker, message.Topic, message.IsSample ? "sample" : "telemetry batch", message.SeqRange, store.PendingCount, outcome.Detail);
        else
            logger.LogDebug("Broker {Broker} still has no subscriber for {Topic}; {SeqRange} kept, trying again in {Delay:0.#} s",
                broker, message.Topic, message.SeqRange, retryIn.TotalSeconds);
    }

    /// <summary>Ends the outage once the broker has acknowledged records since it was last seen.</summary>
    public void EndIfDelivered()
    {
        if (_topics.Count == 0 || progress.AckedRecords <= _ackedAtLastRefusal)
            return;
        logger.LogInformation("Broker {Broker} has a subscriber for {Topics} again; sending the records kept in the outbox",
            broker, string.Join(", ", _topics));
        _topics.Clear();
    }
}
