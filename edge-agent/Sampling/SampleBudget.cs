namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// One camera's allowance of samples over a sliding window (an hour in the agent): at most so many samples and so
/// many bytes kept in any window. Spending is recorded even past the bounds (needs-review samples always go), so
/// what they take is missing from the optional ones. Time is the agent's clock: disk and uplink fill in real time.
/// </summary>
public sealed class SampleBudget(int maxSamples, long maxBytes, TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, long Bytes)> _spent = new();
    private long _bytes;

    /// <summary>Samples kept in the window ending at the last call.</summary>
    public int Samples => _spent.Count;

    /// <summary>Bytes kept in the window ending at the last call.</summary>
    public long Bytes => _bytes;

    /// <summary>Whether one more sample of <paramref name="bytes"/> still fits the window ending at <paramref name="now"/>.</summary>
    public bool Allows(DateTimeOffset now, long bytes)
    {
        Forget(now);
        return _spent.Count < maxSamples && _bytes + bytes <= maxBytes;
    }

    /// <summary>Records a sample kept at <paramref name="now"/>, whether or not it fitted.</summary>
    public void Spend(DateTimeOffset now, long bytes)
    {
        Forget(now);
        _spent.Enqueue((now, bytes));
        _bytes += bytes;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_spent.TryPeek(out var oldest) && now - oldest.At >= window)
            _bytes -= _spent.Dequeue().Bytes;
    }
}
