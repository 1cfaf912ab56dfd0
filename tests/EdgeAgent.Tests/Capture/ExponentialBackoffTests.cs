using EdgeMlops.EdgeAgent.Capture;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class ExponentialBackoffTests
{
    private static readonly ReconnectOptions Options = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(10),
        Multiplier = 2,
        Jitter = 0.2,
    };

    [Fact]
    public void Delays_grow_by_the_multiplier_up_to_the_ceiling_each_within_the_jitter()
    {
        var backoff = new ExponentialBackoff(Options, new Random(1));

        var delays = Enumerable.Range(0, 7).Select(_ => backoff.Next().TotalSeconds).ToList();

        double[] nominal = [1, 2, 4, 8, 10, 10, 10];
        for (int i = 0; i < nominal.Length; i++)
            Assert.InRange(delays[i], nominal[i] * 0.8, nominal[i] * 1.2);
        Assert.Equal(7, backoff.Attempts);
    }

    [Fact]
    public void Jitter_spreads_the_delays_of_cameras_that_failed_together()
    {
        var delays = Enumerable.Range(0, 20).Select(seed => new ExponentialBackoff(Options, new Random(seed)).Next()).ToHashSet();

        Assert.True(delays.Count > 15);
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new ExponentialBackoff(new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), Jitter = 0 }, new Random(1));
        for (int i = 0; i < 4; i++) backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }
}
