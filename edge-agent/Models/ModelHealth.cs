using EdgeMlops.EdgeAgent.Diagnostics;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// How one loaded model fares while it serves: its batch latencies and inference errors, recorded by the batcher.
/// Probation reads it to decide whether a new version stays. Thread-safe.
/// </summary>
public sealed class ModelHealth
{
    private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _errors;
    private string? _lastError;
    private int _onProbation;

    /// <summary>Classifier time per batch, as the batcher measured it.</summary>
    public LatencyHistogram BatchLatency { get; } = new();

    public long Errors => Interlocked.Read(ref _errors);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>
    /// True while <see cref="ProbationWatch"/> watches this model: an inference error then means "roll back", so the
    /// batcher waits for the previous version instead of stopping the pipeline.
    /// </summary>
    public bool OnProbation
    {
        get => Volatile.Read(ref _onProbation) == 1;
        set => Volatile.Write(ref _onProbation, value ? 1 : 0);
    }

    /// <summary>Completes at the first inference error, so probation need not wait for its next check.</summary>
    public Task FirstFailure => _firstFailure.Task;

    public void InferenceFailed(Exception error)
    {
        Volatile.Write(ref _lastError, error.Message);
        Interlocked.Increment(ref _errors);
        _firstFailure.TrySetResult();
    }
}
