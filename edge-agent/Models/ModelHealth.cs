using EdgeMlops.EdgeAgent.Diagnostics;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// How one loaded model fares while it serves: its batch latencies and inference errors, recorded by the batcher.
/// Probation reads it to decide whether a new version stays. Thread-safe.
/// </summary>
public sealed class ModelHealth
{
    private long _errors;
    private string? _lastError;

    /// <summary>Classifier time per batch, as the batcher measured it.</summary>
    public LatencyHistogram BatchLatency { get; } = new();

    public long Errors => Interlocked.Read(ref _errors);

    public string? LastError => Volatile.Read(ref _lastError);

    public void InferenceFailed(Exception error)
    {
        Volatile.Write(ref _lastError, error.Message);
        Interlocked.Increment(ref _errors);
    }
}
