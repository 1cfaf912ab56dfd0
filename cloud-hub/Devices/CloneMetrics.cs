using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>Counters of clone evidence since the hub started, for <c>/metrics</c>.</summary>
public sealed class CloneMetrics : IMetricsSource
{
    private long _conflicts;
    private long _takeovers;
    private long _raised;

    internal void Conflicts(int records) => Interlocked.Add(ref _conflicts, records);

    internal void Takeover() => Interlocked.Increment(ref _takeovers);

    internal void ConditionRaised() => Interlocked.Increment(ref _raised);

    public long ConflictingRecords => Interlocked.Read(ref _conflicts);

    public long Takeovers => Interlocked.Read(ref _takeovers);

    public long ConditionsRaised => Interlocked.Read(ref _raised);

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        writer.Counter("edgemlops_hub_clone_conflicting_records_total",
                "Records that arrived under a (device, epoch, seq) already stored with other content (refused; the first stays)")
            .Sample("edgemlops_hub_clone_conflicting_records_total", ConflictingRecords);
        writer.Counter("edgemlops_hub_session_takeovers_total", "Device sessions taken over by a new connection under the same client id")
            .Sample("edgemlops_hub_session_takeovers_total", Takeovers);
        writer.Counter("edgemlops_hub_cloned_device_conditions_raised_total", "Times a cloned-device condition was raised on a device")
            .Sample("edgemlops_hub_cloned_device_conditions_raised_total", ConditionsRaised);
    }
}
