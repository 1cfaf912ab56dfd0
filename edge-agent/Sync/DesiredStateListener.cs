using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Reads what arrives on the device's desired topic and hands valid, newer states to the <see cref="DesiredStateStore"/>.
/// Anything else is refused with a logged reason and counted; nothing a broker delivers can make it throw.
/// </summary>
internal sealed class DesiredStateListener(string deviceId, DesiredStateStore store, SyncProgress progress, ILogger logger)
{
    private readonly string _topic = Topics.Desired(deviceId);

    public void OnMessage(string topic, ReadOnlySpan<byte> payload)
    {
        if (!string.Equals(topic, _topic, StringComparison.Ordinal))
        {
            Refuse(topic, $"it arrived on '{topic}', not on this device's desired topic '{_topic}'");
            return;
        }
        if (payload.IsEmpty)
        {
            // An empty retained message is how a retained state is cleared; there is nothing to apply.
            logger.LogDebug("Desired state on {Topic} was cleared (empty retained message); keeping revision {Revision}",
                LogText.Escape(topic), store.Current?.Revision);
            return;
        }
        if (PayloadLimits.Check(DeviceChannel.Desired, payload.Length) is { } oversized)
        {
            Refuse(topic, oversized.ToString());
            return;
        }
        if (!ContractReader.TryReadDesiredState(payload, out var state, out var rejection))
        {
            Refuse(topic, rejection.ToString());
            return;
        }
        if (ContractReader.CheckDevice(deviceId, state) is { } wrongDevice)
        {
            Refuse(topic, wrongDevice.ToString());
            return;
        }
        if (!store.TryAccept(state, out var refusal))
        {
            // The broker hands the retained state over again on every (re)subscription: the same revision is expected.
            if (store.Current?.Revision == state.Revision)
                logger.LogDebug("Desired state revision {Revision} received again", state.Revision);
            else
                Refuse(topic, refusal!);
            return;
        }
        logger.LogInformation("Desired state revision {Revision} received ({Properties})",
            state.Revision, string.Join(", ", state.Properties.Keys));
    }

    private void Refuse(string topic, string reason)
    {
        progress.DesiredStateRejected();
        logger.LogWarning("Desired state on {Topic} refused: {Reason}", LogText.Escape(topic), LogText.Escape(reason));
    }
}
