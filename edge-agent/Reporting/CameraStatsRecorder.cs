using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>
/// Turns a camera's counters into one <see cref="CameraStats"/> record per interval: deltas since the previous
/// record for counts, and the interval's own latency percentiles.
/// </summary>
public sealed class CameraStatsRecorder(string deviceId, CameraMetrics metrics, DateTimeOffset start)
{
    private DateTimeOffset _intervalStart = start;
    private long _frames;
    private long _reconnects;
    private Dictionary<string, long> _drops = [];
    private Dictionary<string, long> _vehicles = [];

    /// <param name="model">The model serving now, which the record names; null while none is loaded.</param>
    public CameraStats Next(DateTimeOffset now, (string Name, string Version)? model = null)
    {
        long frames = metrics.Frames, reconnects = metrics.Reconnects;
        var drops = metrics.Drops().ToDictionary(d => d.Key, d => d.Value);
        var vehicles = metrics.Vehicles().ToDictionary(v => v.Key, v => v.Value);
        double seconds = Math.Max((now - _intervalStart).TotalSeconds, 1e-3);
        var latency = metrics.IntervalLatency.ToDictionary(p => p.Key, p =>
        {
            var s = p.Value.Summary();
            p.Value.Reset();
            return new LatencyPercentiles(Math.Round(s.P50, 2), Math.Round(s.P95, 2), Math.Round(s.P99, 2));
        });
        var stats = new CameraStats(deviceId, metrics.CameraId, _intervalStart, now, frames - _frames,
            Math.Round((frames - _frames) / seconds, 2), latency,
            drops.ToDictionary(d => d.Key, d => d.Value - _drops.GetValueOrDefault(d.Key)),
            (int)(reconnects - _reconnects),
            vehicles.ToDictionary(v => v.Key, v => v.Value - _vehicles.GetValueOrDefault(v.Key)),
            ModelName: model?.Name, ModelVersion: model?.Version);
        (_intervalStart, _frames, _reconnects, _drops, _vehicles) = (now, frames, reconnects, drops, vehicles);
        return stats;
    }
}
