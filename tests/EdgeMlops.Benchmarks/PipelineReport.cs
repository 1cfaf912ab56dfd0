using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlops.Benchmarks;

/// <summary>The pipeline benchmark's output: a plain-text table for people, then one JSON line for scripts.</summary>
internal static class PipelineReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void PrintTable(PipelineResult r, TextWriter output)
    {
        void Line(FormattableString text) => output.WriteLine(text.ToString(Invariant));
        var runs = string.Join(", ", r.PipelineRuns.Select(s => PipelineResult.Fps(s).ToString("F1", Invariant)));

        Line($"{"stage",-46} {"rate",16} {"frames/s",10}");
        Line($"{"decode only (OpenCV FFmpeg to BGR)",-46} {r.DecodeFps,12:F1} fps {r.DecodeFps,10:F1}");
        Line($"{"motion proposals only (MOG2 + morphology)",-46} {r.ProposalsFps,12:F1} fps {r.ProposalsFps,10:F1}   {r.CropsPerFrame:F2} crops/frame");
        Line($"{$"classifier only (bare ORT, batch {r.ClassifierBatch}, {r.ClassifierProvider})",-46} {r.ClassifierCropsPerSecond,8:F0} crops/s {r.ClassifierLimitedFps,10:F1}   at {r.CropsPerFrame:F2} crops/frame");
        Line($"{$"full pipeline, SQLite on (median of {r.PipelineRuns.Count})",-46} {r.PipelineFps,12:F1} fps {r.PipelineFps,10:F1}   runs: {runs}");
        Line($"full / min(decode, classifier-limited) = {r.PipelineFps:F1} / {r.DecodeOrClassifierLimit:F1} = {r.Ratio:F2}   aim >= {PipelineResult.Aim:F2}: {(r.AimMet ? "met" : "NOT met")}");
        Line($"full / slowest stage incl. proposals    = {r.PipelineFps:F1} / {r.SlowestStageFps:F1} = {r.RatioToSlowestStage:F2}");
        var median = r.MedianRun;
        Line($"pipeline run: {median.GetProperty("frames").GetInt64()} frames, drops {median.GetProperty("drops")}, truth {(median.TryGetProperty("truth", out var truth) ? truth.ToString() : "-")}");

        if (r.Memory is not { } m) return;
        Line($"memory: live synthetic camera for {m.Minutes:0.#} min, sampled every {m.SampleInterval.TotalSeconds:0} s ({m.Samples.Count} samples)");
        Line($"        the agent ran {m.Summary.GetProperty("frames").GetInt64()} frames at {m.Summary.GetProperty("fps").GetDouble():F1} fps, drops {m.Summary.GetProperty("drops")}");
        Line($"{"",-14} {"first min MB",13} {"last min MB",12} {"slope MB/min after min 1",26}");
        foreach (var (name, trend) in new[] { ("working set", m.WorkingSet), ("GC heap", m.GcHeap) })
            Line($"{name,-14} {trend.FirstMinuteMb,13:F1} {trend.LastMinuteMb,12:F1} {trend.SlopeMbPerMinute,26:F2}");
    }

    public static string Json(PipelineResult r)
    {
        var median = r.MedianRun;
        var json = new
        {
            suite = "pipeline",
            model = r.Model,
            video = r.Video,
            videoFrames = r.VideoFrames,
            cores = Environment.ProcessorCount,
            decodeFps = Round(r.DecodeFps),
            proposalsOnlyFps = Round(r.ProposalsFps),
            cropsPerFrame = Round(r.CropsPerFrame, 3),
            classifierBatch = r.ClassifierBatch,
            classifierProvider = r.ClassifierProvider,
            classifierCropsPerSecond = Round(r.ClassifierCropsPerSecond),
            classifierLimitedFps = Round(r.ClassifierLimitedFps),
            pipelineFps = Round(r.PipelineFps),
            pipelineRunsFps = r.PipelineRuns.Select(PipelineResult.Fps).ToArray(),
            ratio = Round(r.Ratio, 3),
            aim = PipelineResult.Aim,
            aimMet = r.AimMet,
            ratioToSlowestStageIncludingProposals = Round(r.RatioToSlowestStage, 3),
            pipelineTruth = median.TryGetProperty("truth", out var truth) ? truth : (JsonElement?)null,
            memory = r.Memory is not { } m ? null : new
            {
                minutes = m.Minutes,
                sampleSeconds = m.SampleInterval.TotalSeconds,
                samples = m.Samples.Count,
                workingSetMb = Trend(m.WorkingSet),
                gcHeapMb = Trend(m.GcHeap),
                frames = m.Summary.GetProperty("frames").GetInt64(),
                fps = m.Summary.GetProperty("fps").GetDouble(),
                drops = m.Summary.GetProperty("drops"),
            },
        };
        return JsonSerializer.Serialize(json, new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
    }

    private static object Trend(MemoryTrend t) =>
        new { firstMinute = Round(t.FirstMinuteMb), lastMinute = Round(t.LastMinuteMb), slopePerMinute = Round(t.SlopeMbPerMinute, 3) };

    /// <summary>Rounded for the report; null when not a number (no crops at all, or too short a run to sample), which JSON cannot carry.</summary>
    private static double? Round(double value, int digits = 1) => double.IsFinite(value) ? Math.Round(value, digits) : null;
}
