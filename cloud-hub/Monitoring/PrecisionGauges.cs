using System.Collections.Concurrent;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>
/// <c>edgemlops_hub_precision_macro{device,camera,model,source}</c>: the macro precision of each series' latest report
/// (kept in memory as ingest stores them, so a scrape reads no table), and for <c>review</c> the reviews of the last
/// <see cref="MonitoringOptions.MetricSeriesTtl"/>.
/// </summary>
/// <remarks>
/// Label cardinality stays bounded three ways: the model version is not a label (a rollout replaces a series' value
/// instead of adding a series); a series leaves after <see cref="MonitoringOptions.MetricSeriesTtl"/> without a
/// report; and at most <see cref="MonitoringOptions.MaxMetricSeries"/> series are shown, the rest counted in
/// <c>edgemlops_hub_precision_series_dropped_total</c>. After a restart a series comes back with its next report.
/// </remarks>
public sealed class PrecisionGauges(IPrecisionReader reader, IOptions<MonitoringOptions> options, TimeProvider time) : IMetricsSource
{
    private readonly ConcurrentDictionary<(string Device, string Camera, string Model, string Source), Latest> _series = new();
    private long _dropped;

    /// <summary>Takes in a report ingest has just stored; an older window than the series' latest changes nothing.</summary>
    public void Observe(PrecisionReport report)
    {
        var series = new PrecisionSeries(report.DeviceId, report.CameraId, report.ModelName, report.ModelVersion, report.Source,
            report.WindowStart, report.WindowEnd);
        if (PrecisionMath.Macro(series, report.Classes.Select(c => new ClassCount(c.Key, c.Value.Predicted, c.Value.Correct)).ToList()) is not { } macro)
            return;
        var key = (report.DeviceId, report.CameraId ?? "", report.ModelName, report.Source);
        var latest = new Latest(macro.Precision, report.WindowEnd);
        if (!_series.ContainsKey(key) && _series.Count >= options.Value.MaxMetricSeries)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        _series.AddOrUpdate(key, latest, (_, old) => latest.WindowEnd >= old.WindowEnd ? latest : old);
    }

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        foreach (var (key, latest) in _series)
        {
            if (now - latest.WindowEnd > settings.MetricSeriesTtl)
                _series.TryRemove(new KeyValuePair<(string, string, string, string), Latest>(key, latest));
        }
        var shown = _series.OrderBy(s => s.Key).Select(s => (s.Key.Device, s.Key.Camera, s.Key.Model, s.Key.Source, s.Value.Precision)).ToList();
        var room = Math.Max(0, settings.MaxMetricSeries - shown.Count);
        var reviews = room == 0 ? [] : reader.Figures(new PrecisionQuery(now - settings.MetricSeriesTtl, now, Source: PrecisionSources.Review));
        shown.AddRange(reviews.Take(room).Select(f => (f.DeviceId, f.CameraId ?? "", f.ModelName, f.Source, f.Precision)));
        var dropped = Interlocked.Read(ref _dropped) + Math.Max(0, reviews.Count - room);

        writer.Gauge("edgemlops_hub_precision_macro", "Macro precision of each device, camera, model and source: the latest report's, or the recent reviews'.");
        foreach (var s in shown)
            writer.Sample("edgemlops_hub_precision_macro", s.Precision, ("device", s.Device), ("camera", s.Camera), ("model", s.Model), ("source", s.Source));
        writer.Gauge("edgemlops_hub_precision_series", "Precision series shown (capped by Hub:Monitoring:MaxMetricSeries).")
            .Sample("edgemlops_hub_precision_series", shown.Count);
        writer.Counter("edgemlops_hub_precision_series_dropped_total", "Precision series left out of the gauge because the cap was reached.")
            .Sample("edgemlops_hub_precision_series_dropped_total", dropped);
    }

    private sealed record Latest(double Precision, DateTimeOffset WindowEnd);
}
