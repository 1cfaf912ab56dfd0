namespace EdgeMlops.Resilience;

/// <summary>
/// How delays between attempts grow: from <see cref="InitialDelay"/>, times <see cref="Multiplier"/> per failure, up to
/// <see cref="MaxDelay"/>; each delay is then drawn between <see cref="LowestShare"/> and <see cref="HighestShare"/> of
/// that step, so many clients cut off by the same outage do not all come back in the same instant.
/// </summary>
public sealed record BackoffPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, double Multiplier, double LowestShare, double HighestShare)
{
    /// <summary>Each delay spread by <paramref name="jitter"/> either way: 0.2 gives delays between 0.8x and 1.2x the step.</summary>
    public static BackoffPolicy Jittered(TimeSpan initialDelay, TimeSpan maxDelay, double multiplier, double jitter) =>
        new(initialDelay, maxDelay, multiplier, 1 - jitter, 1 + jitter);

    /// <summary>
    /// Doubling from <paramref name="minDelay"/> to <paramref name="maxDelay"/>, each delay between half and all of its
    /// step: never above the maximum, and never below half a step, so unlucky draws cannot turn it into a busy loop.
    /// </summary>
    public static BackoffPolicy HalfToFullStep(TimeSpan minDelay, TimeSpan maxDelay) => new(minDelay, maxDelay, 2, 0.5, 1);
}
