namespace EdgeMlops.EdgeAgent.Diagnostics;

/// <summary>
/// Latency percentiles without keeping samples: logarithmic buckets (about 4% wide) from 10 microseconds to
/// ~10 minutes, fixed memory for an agent that runs for months. Thread-safe for one writer and many readers of
/// snapshots; writers on several threads take the lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const double MinMs = 0.01;
    private const double Growth = 1.04;
    private static readonly double LogGrowth = Math.Log(Growth);
    private const int BucketCount = 460; // 0.01 ms * 1.04^460 ≈ 680 s
    private readonly long[] _buckets = new long[BucketCount];
    private readonly Lock _gate = new();
    private long _count;
    private double _maxMs;

    public void Record(double milliseconds)
    {
        int index = milliseconds <= MinMs ? 0 : Math.Min(BucketCount - 1, (int)(Math.Log(milliseconds / MinMs) / LogGrowth) + 1);
        lock (_gate)
        {
            _buckets[index]++;
            _count++;
            if (milliseconds > _maxMs) _maxMs = milliseconds;
        }
    }

    public void Record(TimeSpan elapsed) => Record(elapsed.TotalMilliseconds);

    public long Count { get { lock (_gate) return _count; } }

    /// <summary>The upper bound of the bucket holding the q-quantile (never above the largest value seen).</summary>
    public double Percentile(double q)
    {
        lock (_gate)
        {
            if (_count == 0) return 0;
            long rank = (long)Math.Ceiling(q * _count);
            long seen = 0;
            for (int i = 0; i < BucketCount; i++)
            {
                seen += _buckets[i];
                if (seen >= rank) return Math.Min(_maxMs, MinMs * Math.Pow(Growth, i));
            }
            return _maxMs;
        }
    }

    public LatencySummary Summary() => new(Percentile(0.50), Percentile(0.95), Percentile(0.99), Count);

    /// <summary>Adds another histogram's samples, e.g. to report all cameras together.</summary>
    public void Add(LatencyHistogram other)
    {
        long[] buckets;
        long count;
        double max;
        lock (other._gate)
        {
            buckets = (long[])other._buckets.Clone();
            count = other._count;
            max = other._maxMs;
        }
        lock (_gate)
        {
            for (int i = 0; i < BucketCount; i++) _buckets[i] += buckets[i];
            _count += count;
            _maxMs = Math.Max(_maxMs, max);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            Array.Clear(_buckets);
            _count = 0;
            _maxMs = 0;
        }
    }
}

public readonly record struct LatencySummary(double P50, double P95, double P99, long Count);
