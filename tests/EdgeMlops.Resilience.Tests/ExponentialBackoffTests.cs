namespace EdgeMlops.Resilience.Tests;

public sealed class ExponentialBackoffTests
{
    private static readonly BackoffPolicy Jittered = BackoffPolicy.Jittered(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), multiplier: 2, jitter: 0.2);

    [Fact]
    public void Delays_grow_by_the_multiplier_up_to_the_ceiling_each_within_the_jitter()
    {
        var backoff = new ExponentialBackoff(Jittered, new Random(1));

        var delays = Enumerable.Range(0, 7).Select(_ => backoff.Next().TotalSeconds).ToList();

        double[] nominal = [1, 2, 4, 8, 10, 10, 10];
        for (int i = 0; i < nominal.Length; i++)
            Assert.InRange(delays[i], nominal[i] * 0.8, nominal[i] * 1.2);
        Assert.Equal(7, backoff.Attempts);
    }

    [Fact]
    public void Jitter_spreads_the_delays_of_clients_that_failed_together()
    {
        var delays = Enumerable.Range(0, 20).Select(seed => new ExponentialBackoff(Jittered, new Random(seed)).Next()).ToHashSet();

        Assert.True(delays.Count > 15);
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new ExponentialBackoff(BackoffPolicy.Jittered(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 2, jitter: 0), new Random(1));
        for (int i = 0; i < 4; i++) backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }

    [Fact]
    public void Half_to_full_step_delays_grow_up_to_the_maximum_and_reset_after_success()
    {
        var backoff = new ExponentialBackoff(BackoffPolicy.HalfToFullStep(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)), new Random(1));

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next()).ToList();
        backoff.Reset();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2)));
        Assert.True(delays[^1] >= TimeSpan.FromSeconds(1), "late delays sit between half the maximum and the maximum");
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_long_outage_stays_at_the_ceiling()
    {
        var backoff = new ExponentialBackoff(BackoffPolicy.HalfToFullStep(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)), new Random(1));

        for (var i = 0; i < 5000; i++)
            backoff.Next();

        var late = backoff.Next();

        Assert.InRange(late, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }
}
