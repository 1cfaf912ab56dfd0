using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

public sealed class PrecisionMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static PrecisionReport Report(string? camera, string source, double correct, DriftSignals? drift = null) =>
        new("box-07", camera, "vehicle-classifier", "1.0.0", source, T0, T0.AddMinutes(1),
            new Dictionary<string, ClassPrecision> { ["car"] = new(4, correct), ["van"] = new(2, 2) }, drift);

    [Fact]
    public void The_last_window_of_each_camera_and_source_is_exposed_with_its_drift_and_the_canarys_figure()
    {
        var metrics = new PrecisionMetrics();
        metrics.Record(Report("cam1", PrecisionSources.Estimated, 4, new DriftSignals(6, 0.25, 0.2, 0.05, 0.1, 120, 30, 0.01)));
        metrics.Record(Report("cam1", PrecisionSources.Estimated, 2)); // a later window replaces the figure
        metrics.Record(Report("cam1", PrecisionSources.Truth, 1));
        metrics.Record(Report(null, PrecisionSources.Canary, 3));
        metrics.CanaryFailedGate();
        var writer = new PrometheusTextWriter();

        metrics.WriteMetrics(writer);

        var text = writer.ToString();
        Assert.Contains("edgemlops_precision{camera=\"cam1\",source=\"estimated\",version=\"1.0.0\"} 0.75\n", text); // (2/4 + 2/2) / 2
        Assert.Contains("edgemlops_precision{camera=\"cam1\",source=\"truth\",version=\"1.0.0\"} 0.625\n", text);
        Assert.Contains("edgemlops_canary_precision{version=\"1.0.0\"} 0.875\n", text);
        Assert.Contains("edgemlops_canary_below_gate_total 1\n", text);
        Assert.Contains("edgemlops_drift{camera=\"cam1\",signal=\"class_mix\",measure=\"psi\"} 0.25\n", text);
        Assert.Contains("edgemlops_crop_input{camera=\"cam1\",statistic=\"brightness\"} 120\n", text);
        Assert.Contains("edgemlops_precision_reports_total{source=\"estimated\"} 2\n", text);
    }
}
