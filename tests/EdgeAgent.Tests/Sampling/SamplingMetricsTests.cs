using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Tests.Sampling;

public sealed class SamplingMetricsTests
{
    [Fact]
    public void Samples_taken_and_dropped_are_exposed_per_camera_and_reason_with_the_needs_review_events()
    {
        var metrics = new SamplingMetrics();
        var cam1 = metrics.For("cam-1");
        cam1.Taken(SampleReasons.NeedsReview);
        cam1.Taken(SampleReasons.LowConfidence);
        cam1.Dropped(SampleReasons.LowConfidence);
        cam1.Dropped(SampleReasons.LowConfidence);
        cam1.NeedsReview();
        Assert.Same(cam1, metrics.For("cam-1"));

        var writer = new PrometheusTextWriter();
        metrics.WriteMetrics(writer);
        var text = writer.ToString();

        Assert.Contains("edgemlops_samples_taken_total{camera=\"cam-1\",reason=\"needs-review\"} 1", text);
        Assert.Contains("edgemlops_samples_dropped_total{camera=\"cam-1\",reason=\"low-confidence\"} 2", text);
        Assert.Contains("edgemlops_samples_dropped_total{camera=\"cam-1\",reason=\"random\"} 0", text);
        Assert.Contains("edgemlops_needs_review_events_total{camera=\"cam-1\"} 1", text);
    }
}
