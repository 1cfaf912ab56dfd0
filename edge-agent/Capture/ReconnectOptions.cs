using EdgeMlops.Resilience;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// How a live camera reconnects after its stream was lost: exponential backoff from <see cref="InitialDelay"/>
/// up to <see cref="MaxDelay"/>, each delay spread by <see cref="Jitter"/> so that cameras behind one failed
/// switch do not all knock on the recorder at the same instant.
/// </summary>
public sealed class ReconnectOptions
{
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
    public double Multiplier { get; set; } = 2.0;

    /// <summary>Share of each delay added or taken away at random: 0.2 gives delays between 0.8x and 1.2x.</summary>
    public double Jitter { get; set; } = 0.2;

    public BackoffPolicy ToBackoffPolicy() => BackoffPolicy.Jittered(InitialDelay, MaxDelay, Multiplier, Jitter);
}
