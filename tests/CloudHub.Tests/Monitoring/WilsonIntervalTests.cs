using EdgeMlops.CloudHub.Monitoring;

namespace EdgeMlops.CloudHub.Tests.Monitoring;

public sealed class WilsonIntervalTests
{
    // Published 95% Wilson intervals (Brown, Cai & DasGupta 2001; Newcombe 1998), and the figures ANCHORS.md quotes for
    // an observed precision of 30% with 20, 50 and 100 reviews.
    [Theory]
    [InlineData(0, 10, 0.0000, 0.2775)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    [InlineData(10, 10, 0.7225, 1.0000)]
    [InlineData(50, 100, 0.4038, 0.5962)]
    [InlineData(6, 20, 0.1455, 0.5190)]
    [InlineData(15, 50, 0.1910, 0.4375)]
    [InlineData(30, 100, 0.2189, 0.3958)]
    public void Bounds_match_published_values(int successes, int trials, double lower, double upper)
    {
        var interval = WilsonInterval.Of(successes, trials);

        Assert.Equal(lower, interval.Lower, 4);
        Assert.Equal(upper, interval.Upper, 4);
    }

    [Fact]
    public void No_trials_know_nothing()
    {
        Assert.Equal(new WilsonInterval(0, 1), WilsonInterval.Of(0, 0));
    }

    [Fact]
    public void Thirty_percent_is_established_below_forty_with_a_hundred_reviews_but_not_with_twenty()
    {
        Assert.True(WilsonInterval.Of(6, 20).Upper > 0.4);
        Assert.True(WilsonInterval.Of(30, 100).Upper < 0.4);
    }
}
