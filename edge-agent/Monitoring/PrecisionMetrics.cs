using System.Collections.Concurrent;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// The last precision figures per camera and source, the drift of each camera's last window, and the canary's, for the
/// scrape endpoint.
/// </summary>
public sealed class PrecisionMetrics : IMetricsSource
{
    private readonly ConcurrentDictionary<(string Camera, string Source), (string Version, double Precision)> _precision = new();
    private readonly ConcurrentDictionary<string, DriftSignals> _drift = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reports = new(StringComparer.Ordinal);
    private long _canaryBelowGate;

    /// <summary>Canary runs whose macro precision was under the manifest's gate.</summary>
    public long CanaryBelowGate => Interlocked.Read(ref _canaryBelowGate);

    /// <summary>The last macro precision recorded for a camera (null camera: the canary) and source.</summary>
    public double? Last(string? cameraId, string source) =>
        _precision.TryGetValue((cameraId ?? "", source), out var figure) ? figure.Precision : null;

    /// <summary>The drift of the camera's last estimated window, when the model has a reference.</summary>
    public DriftSignals? LastDrift(string cameraId) => _drift.GetValueOrDefault(cameraId);

    public void Record(PrecisionReport report)
    {
        _reports.AddOrUpdate(report.Source, 1, (_, n) => n + 1);
        if (MacroPrecision.Of(report.Classes) is { } macro)
            _precision[(report.CameraId ?? "", report.Source)] = (report.ModelVersion, macro);
        if (report.CameraId is { } camera && report.Drift is { } drift)
            _drift[camera] = drift;
    }

    public void CanaryFailedGate() => Interlocked.Increment(ref _canaryBelowGate);

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var figures = _precision.OrderBy(p => p.Key.Camera, StringComparer.Ordinal).ThenBy(p => p.Key.Source, StringComparer.Ordinal).ToList();
        writer.Gauge("edgemlops_precision", "Macro precision of the last window per camera and source (estimated, truth, feed); the canary's has no camera");
        foreach (var ((camera, source), (version, precision)) in figures.Where(f => f.Key.Source != PrecisionSources.Canary))
            writer.Sample("edgemlops_precision", precision, ("camera", camera), ("source", source), ("version", version));
        writer.Gauge("edgemlops_canary_precision", "Macro precision of the last canary run, per model version");
        foreach (var ((_, _), (version, precision)) in figures.Where(f => f.Key.Source == PrecisionSources.Canary))
            writer.Sample("edgemlops_canary_precision", precision, ("version", version));
        writer.Counter("edgemlops_canary_below_gate_total", "Canary runs under the manifest's gate since the agent started")
            .Sample("edgemlops_canary_below_gate_total", CanaryBelowGate);
        writer.Counter("edgemlops_precision_reports_total", "Precision reports written since the agent started, per source");
        foreach (var (source, count) in _reports.OrderBy(r => r.Key, StringComparer.Ordinal))
            writer.Sample("edgemlops_precision_reports_total", count, ("source", source));
        writer.Gauge("edgemlops_drift", "Drift of each camera's last window against the model's reference, per signal and measure");
        foreach (var (camera, drift) in _drift.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            writer.Sample("edgemlops_drift", drift.ClassMixPsi, ("camera", camera), ("signal", "class_mix"), ("measure", "psi"));
            writer.Sample("edgemlops_drift", drift.ClassMixJs, ("camera", camera), ("signal", "class_mix"), ("measure", "js"));
            writer.Sample("edgemlops_drift", drift.ConfidencePsi, ("camera", camera), ("signal", "confidence"), ("measure", "psi"));
            writer.Sample("edgemlops_drift", drift.ConfidenceJs, ("camera", camera), ("signal", "confidence"), ("measure", "js"));
        }
        writer.Gauge("edgemlops_crop_input", "Input statistics of each camera's last window: mean crop luma and contrast (0..255), mean box area (share of frame)");
        foreach (var (camera, drift) in _drift.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (drift.MeanBrightness is { } b) writer.Sample("edgemlops_crop_input", b, ("camera", camera), ("statistic", "brightness"));
            if (drift.MeanContrast is { } c) writer.Sample("edgemlops_crop_input", c, ("camera", camera), ("statistic", "contrast"));
            if (drift.MeanBoxArea is { } a) writer.Sample("edgemlops_crop_input", a, ("camera", camera), ("statistic", "box_area"));
        }
    }
}
