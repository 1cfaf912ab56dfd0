namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Delays between reconnection attempts: growing by a factor up to a ceiling, each spread by jitter.</summary>
internal sealed class ExponentialBackoff(ReconnectOptions options, Random random)
{
    private int _failures;

    /// <summary>Attempts since the last <see cref="Reset"/>.</summary>
    public int Attempts => _failures;

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan Next()
    {
        double nominal = options.InitialDelay.TotalMilliseconds * Math.Pow(options.Multiplier, _failures);
        double capped = Math.Min(nominal, options.MaxDelay.TotalMilliseconds);
        _failures++;
        double spread = 1 + options.Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromMilliseconds(capped * spread);
    }

    /// <summary>Back to the initial delay, once frames flow again.</summary>
    public void Reset() => _failures = 0;
}
