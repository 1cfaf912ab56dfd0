namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Delays between reconnection attempts: exponential from <c>min</c> to <c>max</c>, each drawn between half and all of
/// its step (jitter), so many clients cut off by the same outage do not all come back in the same instant.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures++, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        // Never below half the ceiling, so a run of unlucky draws cannot turn the backoff into a busy loop.
        return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
    }

    public void Reset() => _failures = 0;
}
