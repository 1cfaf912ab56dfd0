namespace EdgeMlops.Resilience;

/// <summary>Delays between attempts, as <see cref="BackoffPolicy"/> says; one instance per thing that retries.</summary>
public sealed class ExponentialBackoff(BackoffPolicy policy, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    /// <summary>Attempts since the last <see cref="Reset"/>.</summary>
    public int Attempts => _failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        // Past the ceiling the power only overflows to infinity, which Min turns back into the ceiling.
        double step = Math.Min(policy.InitialDelay.TotalMilliseconds * Math.Pow(policy.Multiplier, _failures), policy.MaxDelay.TotalMilliseconds);
        if (_failures < int.MaxValue)
            _failures++;
        double share = policy.LowestShare + (policy.HighestShare - policy.LowestShare) * _random.NextDouble();
        return TimeSpan.FromMilliseconds(step * share);
    }

    /// <summary>Back to the initial delay, once the thing retried works again.</summary>
    public void Reset() => _failures = 0;
}
