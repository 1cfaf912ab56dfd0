namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>
/// The Wilson score interval of a proportion (95% by default): unlike the normal approximation it stays inside [0, 1]
/// and is honest with few samples, which is what keeps an alert from firing on three unlucky reviews.
/// </summary>
public readonly record struct WilsonInterval(double Lower, double Upper)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/>; [0, 1] when there are no trials.</summary>
    public static WilsonInterval Of(double successes, double trials, double z = Z95)
    {
        if (trials <= 0)
            return new(0, 1);
        var p = Math.Clamp(successes / trials, 0, 1);
        var z2 = z * z;
        var denominator = 1 + z2 / trials;
        var centre = (p + z2 / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator;
        return new(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The interval of the unweighted mean of several proportions (macro precision over classes). Averaging the classes'
    /// own bounds would be far too wide (every rare class's whole uncertainty counts in full), so the mean gets the
    /// Wilson interval at its effective sample size: n_eff = p(1-p) / Var(mean) - z^2, with Var(mean) =
    /// sum of p_k(1-p_k)/(n_k+z^2) over K^2 and p_k the Agresti-Coull centres (so a class at 0 or 1 still carries its
    /// uncertainty). One proportion gives exactly <see cref="Of"/>; K equal classes give about the pooled interval.
    /// </summary>
    /// <param name="parts">Successes and trials of each proportion; those without trials are left out.</param>
    public static WilsonInterval OfMean(IEnumerable<(double Successes, double Trials)> parts, double z = Z95)
    {
        double z2 = z * z, mean = 0, centre = 0, variance = 0;
        var k = 0;
        foreach (var (successes, trials) in parts)
        {
            if (trials <= 0)
                continue;
            var adjusted = (Math.Clamp(successes, 0, trials) + z2 / 2) / (trials + z2);
            mean += Math.Clamp(successes / trials, 0, 1);
            centre += adjusted;
            variance += adjusted * (1 - adjusted) / (trials + z2);
            k++;
        }
        if (k == 0)
            return new(0, 1);
        mean /= k;
        centre /= k;
        variance /= (double)k * k;
        var effective = Math.Max(1, centre * (1 - centre) / variance - z2);
        return Of(mean * effective, effective, z);
    }
}
