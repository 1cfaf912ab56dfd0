using System.Collections.Concurrent;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>One camera's sampling counts: samples kept and dropped per reason, events marked needs-review. Atomic.</summary>
public sealed class SampleCounters
{
    private readonly ConcurrentDictionary<string, long> _taken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private long _needsReview;

    public long NeedsReviewEvents => Interlocked.Read(ref _needsReview);

    public void NeedsReview() => Interlocked.Increment(ref _needsReview);

    public void Taken(string reason) => _taken.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Dropped(string reason) => _dropped.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public long TakenFor(string reason) => _taken.GetValueOrDefault(reason);

    public long DroppedFor(string reason) => _dropped.GetValueOrDefault(reason);
}

/// <summary>Every camera's <see cref="SampleCounters"/>, exposed in the Prometheus text format.</summary>
public sealed class SamplingMetrics : IMetricsSource
{
    private readonly ConcurrentDictionary<string, SampleCounters> _cameras = new(StringComparer.Ordinal);

    /// <summary>The counters of <paramref name="cameraId"/>, created on first use.</summary>
    public SampleCounters For(string cameraId) => _cameras.GetOrAdd(cameraId, _ => new SampleCounters());

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var cameras = _cameras.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();

        writer.Counter("edgemlops_samples_taken_total", "Review samples kept, per camera and reason");
        foreach (var (camera, counters) in cameras)
            foreach (var reason in SampleReasons.All)
                writer.Sample("edgemlops_samples_taken_total", counters.TakenFor(reason), ("camera", camera), ("reason", reason));

        writer.Counter("edgemlops_samples_dropped_total", "Review samples not kept because the camera's hourly bound was reached, per camera and reason");
        foreach (var (camera, counters) in cameras)
            foreach (var reason in SampleReasons.All)
                writer.Sample("edgemlops_samples_dropped_total", counters.DroppedFor(reason), ("camera", camera), ("reason", reason));

        writer.Counter("edgemlops_needs_review_events_total", "Vehicle events under the model's certainty threshold, per camera");
        foreach (var (camera, counters) in cameras)
            writer.Sample("edgemlops_needs_review_events_total", counters.NeedsReviewEvents, ("camera", camera));
    }
}
