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
}
