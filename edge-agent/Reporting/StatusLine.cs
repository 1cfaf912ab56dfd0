using System.Globalization;
using System.Text;
using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>
/// The compact status line: per camera fps, vehicles by class, p95 end-to-end latency, drops, reconnects, and the
/// precision the hub measured from reviews of its samples when it sent one.
/// </summary>
public static class StatusLine
{
    public static string Format(IReadOnlyList<CameraMetrics> cameras, IReadOnlyDictionary<string, long> previousFrames, TimeSpan interval, string? extra = null,
        IReadOnlyDictionary<string, CameraReviewedPrecision>? reviewed = null)
    {
        var line = new StringBuilder();
        foreach (var c in cameras)
        {
            long frames = c.Frames - previousFrames.GetValueOrDefault(c.CameraId);
            var vehicles = string.Join(" ", c.Vehicles().Where(v => v.Value > 0).Select(v => $"{v.Key}={v.Value}"));
            line.Append(CultureInfo.InvariantCulture,
                $"[{c.CameraId}] {frames / interval.TotalSeconds:F1} fps, vehicles {(vehicles.Length == 0 ? "-" : vehicles)}, p95 {c.Latency[Stages.EndToEnd].Percentile(0.95):F0} ms, drops {c.TotalDrops}");
            if (c.Reconnects > 0) line.Append(CultureInfo.InvariantCulture, $", reconnects {c.Reconnects}");
            if (reviewed?.GetValueOrDefault(c.CameraId) is { } r)
                line.Append(CultureInfo.InvariantCulture, $", reviewed {r.Precision:F2} [{r.Lower:F2}-{r.Upper:F2}] n={r.Samples}");
            if (c.LastError is not null) line.Append(", error: ").Append(c.LastError);
            line.Append("  ");
        }
        if (extra is not null) line.Append(extra);
        return line.ToString().TrimEnd();
    }
}
