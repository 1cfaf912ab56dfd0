namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// Distances between a window's distribution and the model's reference, as Evidently computes them: the population
/// stability index and the Jensen–Shannon distance (base 2, so 0..1). Both drift at 0.1 by default.
/// </summary>
public static class DriftMeasures
{
    /// <summary>
    /// Floor for a bin's share in the PSI: an empty bin on either side would make ln(a/r) infinite. Evidently clips at
    /// the same 0.0001 (without renormalising), so one bin that empties costs about (r - 0.0001)·ln(r/0.0001), not infinity.
    /// </summary>
    public const double EmptyBinShare = 0.0001;

    /// <summary>Bins of the confidence histogram over [0, 1], as in the manifest's reference.</summary>
    public const int ConfidenceBins = Packaging.ReferenceDistributions.ConfidenceBins;

    /// <summary>PSI = Σ (a − r)·ln(a / r) over the bins, shares floored at <see cref="EmptyBinShare"/>.</summary>
    public static double Psi(IReadOnlyList<double> reference, IReadOnlyList<double> actual)
    {
        SameLength(reference, actual);
        double psi = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double r = Math.Max(reference[i], EmptyBinShare), a = Math.Max(actual[i], EmptyBinShare);
            psi += (a - r) * Math.Log(a / r);
        }
        return psi;
    }

    /// <summary>
    /// Jensen–Shannon distance: the square root of the JS divergence in bits. Needs no floor (0·log 0 is 0, and the
    /// mixture is never empty where either side is not). Shares are normalised first.
    /// </summary>
    public static double JsDistance(IReadOnlyList<double> reference, IReadOnlyList<double> actual)
    {
        SameLength(reference, actual);
        double rs = reference.Sum(), @as = actual.Sum();
        if (rs <= 0 || @as <= 0) return 0;
        double divergence = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double r = reference[i] / rs, a = actual[i] / @as, m = (r + a) / 2;
            if (r > 0) divergence += 0.5 * r * Math.Log2(r / m);
            if (a > 0) divergence += 0.5 * a * Math.Log2(a / m);
        }
        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    /// <summary>The bin of a confidence in the histogram: 10 equal bins over [0, 1], 1.0 in the last.</summary>
    public static int ConfidenceBin(double confidence) => Math.Clamp((int)(confidence * ConfidenceBins), 0, ConfidenceBins - 1);

    /// <summary>
    /// The class mix of a window and of the reference over the same labels (the union of both, ordinal order), as shares.
    /// A label the reference leaves out had a share of 0 there.
    /// </summary>
    public static (double[] Reference, double[] Actual) AlignClassMix(IReadOnlyDictionary<string, double> reference, IReadOnlyDictionary<string, long> counts)
    {
        var labels = reference.Keys.Union(counts.Keys).Order(StringComparer.Ordinal).ToList();
        double total = counts.Values.Sum();
        return ([.. labels.Select(l => reference.GetValueOrDefault(l))],
                [.. labels.Select(l => total > 0 ? counts.GetValueOrDefault(l) / total : 0)]);
    }

    /// <summary>Shares of a histogram's counts.</summary>
    public static double[] Shares(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return [.. counts.Select(c => total > 0 ? c / total : 0)];
    }

    private static void SameLength(IReadOnlyList<double> reference, IReadOnlyList<double> actual)
    {
        if (reference.Count != actual.Count)
            throw new ArgumentException($"The reference has {reference.Count} bins, the window {actual.Count}.", nameof(actual));
    }
}
