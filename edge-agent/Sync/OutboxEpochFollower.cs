using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Follows the <c>"outbox"</c> desired-state property (<see cref="DesiredOutbox"/>): when the hub says the epoch this
/// box's outbox is in collided with a clone's, the store starts a new epoch and the drain sends every pending record
/// again under it, so nothing the hub refused as a conflict is lost. An instruction for an epoch the box has already
/// left changes nothing, so a retained one delivered again at every reconnect is harmless. Run by the
/// <see cref="MqttSyncService"/> beside its connection loop, as long as that loop runs.
/// </summary>
internal sealed class OutboxEpochFollower(DesiredStateStore desired, EdgeStore store, SyncProgress progress, ILogger logger)
{
    /// <summary>Follows every new desired state until <paramref name="stoppingToken"/> is cancelled; never throws.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var revision = -1L;
        while (!stoppingToken.IsCancellationRequested)
        {
            DesiredState state;
            try
            {
                state = await desired.WaitForChangeAsync(revision, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            revision = state.Revision;
            Follow(state);
        }
    }

    /// <summary>Acts on the <c>"outbox"</c> property of <paramref name="state"/>, if it has one; never throws.</summary>
    internal void Follow(DesiredState state)
    {
        if (!DesiredOutbox.TryRead(state, out var outbox, out var problem))
        {
            if (problem is not null)
                logger.LogWarning("Desired state revision {Revision}: ignoring the outbox instruction: {Problem}", state.Revision, LogText.Escape(problem));
            return;
        }
        var leaving = outbox.NewEpochAfter;
        try
        {
            if (store.StartNewEpoch(leaving) is not { } next)
            {
                logger.LogDebug("Desired state revision {Revision} asks to leave outbox epoch {Epoch}; the store is in epoch {Current} already",
                    state.Revision, leaving, store.Epoch);
                return;
            }
            progress.EpochStarted();
            logger.LogWarning("The hub told this device to leave outbox epoch {Epoch}: another box published under the same identity and epoch. " +
                "Now in epoch {NewEpoch}; the {Pending} pending records are sent again under it",
                leaving, next, store.PendingCount);
        }
        catch (EdgeStoreException e)
        {
            // The instruction stays retained; the next revision or restart brings it back.
            logger.LogError("Could not leave outbox epoch {Epoch} as the hub asked: {Reason}", leaving, e.Reason);
        }
    }
}
