using System.Diagnostics;

namespace EdgeMlops.Benchmarks;

/// <summary>This process's memory at one moment of a run.</summary>
/// <param name="Minutes">Since sampling started.</param>
/// <param name="WorkingSetMb">Resident memory: managed heap plus OpenCV, ONNX Runtime and SQLite native memory.</param>
/// <param name="GcHeapMb">The managed heap as of the last garbage collection (fragmentation included).</param>
internal sealed record MemorySample(double Minutes, double WorkingSetMb, double GcHeapMb);

/// <summary>Samples this process's memory at a fixed interval until cancelled.</summary>
internal static class MemoryProbe
{
    private const double Megabyte = 1024 * 1024;

    public static async Task<List<MemorySample>> SampleAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var samples = new List<MemorySample>();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                samples.Add(new MemorySample(clock.Elapsed.TotalMinutes, Environment.WorkingSet / Megabyte,
                    GC.GetGCMemoryInfo().HeapSizeBytes / Megabyte));
        }
        catch (OperationCanceledException)
        {
        }
        return samples;
    }
}

/// <summary>
/// Whether memory grows over a run: the first minute's average against the last minute's, and the least-squares
/// slope over everything after the first minute (start-up allocations and the background model's warm-up are not
/// growth).
/// </summary>
internal sealed record MemoryTrend(double FirstMinuteMb, double LastMinuteMb, double SlopeMbPerMinute)
{
    public static MemoryTrend Of(IReadOnlyList<MemorySample> samples, Func<MemorySample, double> value)
    {
        if (samples.Count == 0) return new MemoryTrend(double.NaN, double.NaN, double.NaN);
        double end = samples[^1].Minutes;
        var first = samples.Where(s => s.Minutes <= 1).DefaultIfEmpty(samples[0]).Select(value).Average();
        var last = samples.Where(s => s.Minutes > end - 1).Select(value).Average();
        var steady = samples.Where(s => s.Minutes > 1).ToList();
        if (steady.Count < 2) steady = [.. samples];
        return new MemoryTrend(first, last, Slope(steady.Select(s => s.Minutes).ToList(), steady.Select(value).ToList()));
    }

    private static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count < 2) return 0;
        double mx = x.Average(), my = y.Average();
        double covariance = 0, variance = 0;
        for (int i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - mx) * (y[i] - my);
            variance += (x[i] - mx) * (x[i] - mx);
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}
