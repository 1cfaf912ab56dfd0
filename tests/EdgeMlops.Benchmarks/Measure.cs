using System.Diagnostics;

namespace EdgeMlops.Benchmarks;

/// <summary>
/// Runs an operation repeatedly for a fixed wall time after a warm-up, several rounds, and reports the median
/// rate: medians resist the odd slow round on a shared 2-core machine better than means.
/// </summary>
public static class Measure
{
    public static double MedianRate(Func<int> operation, TimeSpan roundTime, int rounds = 5, int warmupIterations = 20)
    {
        for (int i = 0; i < warmupIterations; i++) operation();
        var rates = new List<double>(rounds);
        for (int r = 0; r < rounds; r++)
        {
            long items = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < roundTime) items += operation();
            rates.Add(items / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }
}
