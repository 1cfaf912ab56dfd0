using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Inference;

/// <summary>Batching of crops across cameras. Section <c>Batching</c>.</summary>
public sealed class BatchingOptions : IOptionsWithProblems
{
    public const string SectionName = "Batching";

    /// <summary>Most crops in one classifier call; larger batches keep an accelerator busy.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long a partial batch may wait for more crops before it runs anyway.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Frames (with their crops) queued for classification; when full, proposal stages wait.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>
    /// Extra time added to every batch, to rehearse an overloaded or slow accelerator (drop accounting, backlog
    /// behaviour) on a fast machine. Zero in production.
    /// </summary>
    public TimeSpan SimulatedDelay { get; set; }

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (SimulatedDelay < TimeSpan.Zero) problems.Add($"Batching:SimulatedDelay must not be negative; got {SimulatedDelay}.");
        if (MaxBatchSize is < 1 or > 1024) problems.Add($"Batching:MaxBatchSize must be 1..1024; got {MaxBatchSize}.");
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromSeconds(5)) problems.Add($"Batching:MaxWait must be 0..5 s; got {MaxWait}.");
        if (QueueCapacity < 1) problems.Add($"Batching:QueueCapacity must be positive; got {QueueCapacity}.");
        return problems;
    }
}
