using System.Globalization;
using System.Text;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>The compact status line: per camera fps, vehicles by class, p95 end-to-end latency, drops, reconnects.</summary>
public static class StatusLine
{
    public static string Format(IReadOnlyList<CameraMetrics> cameras, IReadOnlyDictionary<string, long> previousFrames, TimeSpan interval, string? extra = null)
    {
        var line = new StringBuilder();
        foreach (var c in cameras)
        {
            long frames = c.Frames - previousFrames.GetValueOrDefault(c.CameraId);
            var vehicles = string.Join(" ", c.Vehicles().Where(v => v.Value > 0).Select(v => $"{v.Key}={v.Value}"));
            line.Append(CultureInfo.InvariantCulture,
                $"[{c.CameraId}] {frames / interval.TotalSeconds:F1} fps, vehicles {(vehicles.Length == 0 ? "-" : vehicles)}, p95 {c.Latency[Stages.EndToEnd].Percentile(0.95):F0} ms, drops {c.TotalDrops}");
            if (c.Reconnects > 0) line.Append(CultureInfo.InvariantCulture, $", reconnects {c.Reconnects}");
            if (c.LastError is not null) line.Append(", error: ").Append(c.LastError);
            line.Append("  ");
        }
        if (extra is not null) line.Append(extra);
        return line.ToString().TrimEnd();
    }
}
