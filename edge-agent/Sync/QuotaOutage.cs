using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Messaging;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// The hub refused outbox messages with QuotaExceeded (PUBACK 0x97: this device's sample quota is used up for now):
/// counts every refusal, warns once per outage, then only at debug level until the hub acknowledges records again. The
/// records stay in the outbox; the drain retries no sooner than <see cref="MinimumRetry"/>, since a quota measured per
/// hour does not come back in the seconds a connection blip does. Lives as long as the sync service, across sessions.
/// </summary>
internal sealed class QuotaOutage(BrokerAddress broker, EdgeStore store, SyncProgress progress, ILogger logger)
{
    /// <summary>The shortest wait before trying again after a quota refusal.</summary>
    public static readonly TimeSpan MinimumRetry = TimeSpan.FromSeconds(60);

    private bool _warned;
    private long _ackedAtLastRefusal;

    /// <summary>Records the refusal of <paramref name="message"/> and returns how long to wait before trying again.</summary>
    public TimeSpan Refused(OutboxMessage message, PublishOutcome outcome, TimeSpan backoff)
    {
        progress.QuotaRefused();
        var acked = progress.AckedRecords;
        if (acked > _ackedAtLastRefusal)
            _warned = false;
        _ackedAtLastRefusal = acked;
        var retryIn = backoff > MinimumRetry ? backoff : MinimumRetry;
        if (!_warned)
        {
            _warned = true;
            logger.LogWarning(
                "Hub at {Broker} refused {MessageKind} {SeqRange}: this device's quota is used up ({Detail}); records kept ({Pending} in the outbox), trying again in {Delay:0.#} s and no sooner than every {Minimum:0} s until the hub takes records again",
                broker, message.IsSample ? "sample" : "telemetry batch", message.SeqRange, outcome.Detail, store.PendingCount, retryIn.TotalSeconds, MinimumRetry.TotalSeconds);
        }
        else
            logger.LogDebug("Hub at {Broker} still refuses {SeqRange} over quota; trying again in {Delay:0.#} s", broker, message.SeqRange, retryIn.TotalSeconds);
        return retryIn;
    }
}
