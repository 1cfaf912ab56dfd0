namespace EdgeMlops.Observability.Tests;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void A_family_is_help_then_type_then_its_samples_with_labels()
    {
        var text = new PrometheusTextWriter()
            .Counter("edgemlops_frames_total", "Frames decoded")
            .Sample("edgemlops_frames_total", 1500, ("camera", "cam-1"))
            .Sample("edgemlops_frames_total", 12, ("camera", "cam-2"))
            .ToString();

        Assert.Equal(
            "# HELP edgemlops_frames_total Frames decoded\n" +
            "# TYPE edgemlops_frames_total counter\n" +
            "edgemlops_frames_total{camera=\"cam-1\"} 1500\n" +
            "edgemlops_frames_total{camera=\"cam-2\"} 12\n", text);
    }

    [Fact]
    public void Label_values_are_escaped_and_special_values_use_prometheus_spelling()
    {
        var text = new PrometheusTextWriter()
            .Gauge("g", "a gauge")
            .Sample("g", double.NaN, ("path", "C:\\x \"y\"\nz"))
            .Sample("g", double.PositiveInfinity)
            .Sample("g", 0.25)
            .ToString();

        Assert.Contains("g{path=\"C:\\\\x \\\"y\\\"\\nz\"} NaN\n", text);
        Assert.Contains("g +Inf\n", text);
        Assert.Contains("g 0.25\n", text);
    }

    [Fact]
    public void Writing_a_family_twice_is_refused_because_scrapers_reject_it()
    {
        var writer = new PrometheusTextWriter().Counter("c_total", "x");

        Assert.Throws<InvalidOperationException>(() => writer.Counter("c_total", "x"));
    }
}
