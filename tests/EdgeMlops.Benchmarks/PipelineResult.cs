using System.Text.Json;

namespace EdgeMlops.Benchmarks;

/// <summary>The steady-state memory part of the pipeline benchmark.</summary>
/// <param name="Summary">The agent's JSON summary of the run.</param>
internal sealed record MemoryRun(double Minutes, TimeSpan SampleInterval, IReadOnlyList<MemorySample> Samples, JsonElement Summary)
{
    public MemoryTrend WorkingSet => MemoryTrend.Of(Samples, s => s.WorkingSetMb);
    public MemoryTrend GcHeap => MemoryTrend.Of(Samples, s => s.GcHeapMb);
}

/// <summary>What the pipeline benchmark measured, and the ratios it is judged by.</summary>
/// <param name="PipelineRuns">The agent's JSON summary of each run on the file.</param>
internal sealed record PipelineResult(
    string Model,
    string Video,
    int VideoFrames,
    double DecodeFps,
    double ProposalsFps,
    double CropsPerFrame,
    int ClassifierBatch,
    string ClassifierProvider,
    double ClassifierCropsPerSecond,
    IReadOnlyList<JsonElement> PipelineRuns,
    MemoryRun? Memory)
{
    /// <summary>The share of its slowest stage the whole pipeline should reach.</summary>
    public const double Aim = 0.85;

    /// <summary>Frames per second the classifier alone could serve at the measured crops per frame.</summary>
    public double ClassifierLimitedFps => CropsPerFrame > 0 ? ClassifierCropsPerSecond / CropsPerFrame : double.PositiveInfinity;

    /// <summary>The run with the median frame rate.</summary>
    public JsonElement MedianRun => PipelineRuns.OrderBy(Fps).ElementAt(PipelineRuns.Count / 2);

    public double PipelineFps => Fps(MedianRun);

    /// <summary>The limit the aim is stated against: decoding or classifying, whichever is slower.</summary>
    public double DecodeOrClassifierLimit => Math.Min(DecodeFps, ClassifierLimitedFps);

    public double Ratio => PipelineFps / DecodeOrClassifierLimit;

    public bool AimMet => Ratio >= Aim;

    /// <summary>The slowest stage alone when the motion proposals are counted as the stage they are.</summary>
    public double SlowestStageFps => Math.Min(DecodeOrClassifierLimit, ProposalsFps);

    public double RatioToSlowestStage => PipelineFps / SlowestStageFps;

    public static double Fps(JsonElement summary) => summary.GetProperty("fps").GetDouble();
}
