using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>
/// Every configured camera's <see cref="CameraMetrics"/>, in configuration order, whether or not the camera could be
/// started; read by the status line, the stats records and the run summary, and exposed in the Prometheus text
/// format: frames, drops per stage, reconnects, vehicles per class, latency percentiles per stage.
/// </summary>
public sealed class CameraMetricsRegistry(IEnumerable<CameraMetrics> cameras) : IMetricsSource
{
    /// <summary>One per configured camera, in the order configured.</summary>
    public IReadOnlyList<CameraMetrics> Cameras { get; } = [.. cameras];

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var cameras = Cameras;

        writer.Counter("edgemlops_camera_frames_total", "Frames that went all the way through tracking, per camera");
        foreach (var c in cameras)
            writer.Sample("edgemlops_camera_frames_total", c.Frames, ("camera", c.CameraId));

        writer.Counter("edgemlops_camera_drops_total", "Frames or crops dropped under overload, per camera and stage");
        foreach (var c in cameras)
            foreach (var (stage, count) in c.Drops())
                writer.Sample("edgemlops_camera_drops_total", count, ("camera", c.CameraId), ("stage", stage));

        writer.Counter("edgemlops_camera_reconnects_total", "Times the camera's source was reopened");
        foreach (var c in cameras)
            writer.Sample("edgemlops_camera_reconnects_total", c.Reconnects, ("camera", c.CameraId));

        writer.Counter("edgemlops_vehicles_total", "Vehicle events per camera and class");
        foreach (var c in cameras)
            foreach (var (label, count) in c.Vehicles())
                writer.Sample("edgemlops_vehicles_total", count, ("camera", c.CameraId), ("class", label));

        writer.Gauge("edgemlops_stage_latency_milliseconds", "Latency percentiles since start, per camera and stage");
        foreach (var c in cameras)
            foreach (var (stage, histogram) in c.Latency)
                foreach (var quantile in (double[])[0.5, 0.95, 0.99])
                    writer.Sample("edgemlops_stage_latency_milliseconds", histogram.Percentile(quantile),
                        ("camera", c.CameraId), ("stage", stage), ("quantile", quantile.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
