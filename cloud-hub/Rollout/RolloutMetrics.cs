using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Rollouts by state, and devices of active rollouts by state, read from the store at each scrape.</summary>
public sealed class RolloutMetrics(RolloutStore store) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var (rollouts, devices) = store.Counts();
        writer.Gauge("edgemlops_hub_rollouts", "Rollouts by state.");
        foreach (var state in RolloutStates.All)
            writer.Sample("edgemlops_hub_rollouts", rollouts.GetValueOrDefault(state), ("state", state));
        writer.Gauge("edgemlops_hub_rollout_devices", "Devices of pending, running and paused rollouts by state.");
        foreach (var state in RolloutDeviceStates.All)
            writer.Sample("edgemlops_hub_rollout_devices", devices.GetValueOrDefault(state), ("state", state));
    }
}
