using EdgeMlops.EdgeAgent.Diagnostics;

namespace EdgeMlops.EdgeAgent.Tests.Diagnostics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_bucket_resolution_of_the_exact_values()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) histogram.Record(i * 0.1); // 0.1 .. 100 ms

        var s = histogram.Summary();

        Assert.Equal(1000, s.Count);
        Assert.InRange(s.P50, 50 * 0.96, 50 * 1.04);
        Assert.InRange(s.P95, 95 * 0.96, 95 * 1.04);
        Assert.InRange(s.P99, 99 * 0.96, 100);
    }

    [Fact]
    public void An_empty_histogram_reports_zero_and_reset_forgets()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(0.99));

        histogram.Record(TimeSpan.FromSeconds(2));
        Assert.InRange(histogram.Percentile(0.5), 1900, 2000);

        histogram.Reset();
        Assert.Equal(0, histogram.Count);
    }
}
