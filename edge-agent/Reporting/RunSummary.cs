using System.Text.Json.Serialization;
using EdgeMlops.EdgeAgent.Diagnostics;

namespace EdgeMlops.EdgeAgent.Reporting;

public sealed record LatencyMs(double P50, double P95, double P99);

public sealed record CameraSummary(
    string Camera, long Decoded, long Frames, double Fps, IReadOnlyDictionary<string, long> Vehicles, long Samples,
    IReadOnlyDictionary<string, long> Drops, long Reconnects, string? Error);

/// <summary>The one JSON line an agent prints when it stops by itself (<c>--duration</c>, or every source ended).</summary>
public sealed record RunSummary(
    double Seconds,
    long Frames,
    double Fps,
    IReadOnlyDictionary<string, long> Vehicles,
    IReadOnlyDictionary<string, LatencyMs> LatencyMs,
    IReadOnlyDictionary<string, long> Drops,
    IReadOnlyList<CameraSummary> Cameras,
    string Model,
    TruthSummary? Truth)
{
    /// <param name="truth">Scored into the <c>truth</c> block when some camera's source carried ground truth; left out otherwise.</param>
    public static RunSummary From(IReadOnlyList<CameraMetrics> cameras, TimeSpan elapsed, string model, TruthScorer? truth)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        var latency = Stages.All.ToDictionary(stage => stage, stage =>
        {
            var merged = new LatencyHistogram();
            foreach (var c in cameras) merged.Add(c.Latency[stage]);
            var s = merged.Summary();
            return new LatencyMs(Math.Round(s.P50, 2), Math.Round(s.P95, 2), Math.Round(s.P99, 2));
        });
        // Labels of every camera, in the order first seen: a camera may have met a model the others have not.
        var labels = cameras.SelectMany(c => c.Labels).Distinct().ToList();
        return new RunSummary(
            Math.Round(seconds, 2),
            cameras.Sum(c => c.Frames),
            Math.Round(cameras.Sum(c => c.Frames) / seconds, 2),
            labels.ToDictionary(l => l, l => cameras.Sum(c => c.Vehicles().GetValueOrDefault(l))),
            latency,
            Stages.WithDrops.ToDictionary(s => s, s => cameras.Sum(c => c.Drops()[s])),
            cameras.Select(c => new CameraSummary(c.CameraId, c.Decoded, c.Frames, Math.Round(c.Frames / seconds, 2), c.Vehicles(), c.Samples, c.Drops(), c.Reconnects, c.LastError)).ToList(),
            model,
            truth is { HasTruth: true } ? truth.Summarise() : null);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class ReportingJsonContext : JsonSerializerContext;
