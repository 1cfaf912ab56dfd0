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

    [Fact]
    public void The_mean_of_one_proportion_has_exactly_its_wilson_interval()
    {
        Assert.Equal(WilsonInterval.Of(17, 20), WilsonInterval.OfMean([(17, 20)]));
        Assert.Equal(new WilsonInterval(0, 1), WilsonInterval.OfMean([(0, 0)]));
    }

    [Fact]
    public void The_mean_of_equal_classes_is_about_as_sure_as_the_pooled_proportion()
    {
        var mean = WilsonInterval.OfMean([(30, 100), (30, 100), (30, 100)]);
        var pooled = WilsonInterval.Of(90, 300);
        Assert.Equal(pooled.Lower, mean.Lower, 2);
        Assert.Equal(pooled.Upper, mean.Upper, 2);
    }

    [Fact]
    public void A_rare_class_widens_the_macro_interval_without_swamping_it()
    {
        // Night with motion proposals, the shape measured: glows called bus and motorcycle (all wrong), a few real
        // vehicles; macro 0.20 over 450 predictions. Averaging the classes' own upper bounds gives 0.41 and never fires;
        // the mean's own interval (0.12-0.31) does.
        IReadOnlyList<(double, double)> night = [(0, 236), (0, 186), (8, 16), (1, 4), (2, 8)];
        var averaged = night.Average(c => WilsonInterval.Of(c.Item1, c.Item2).Upper);
        var mean = WilsonInterval.OfMean(night);
        Assert.True(averaged > 0.40, $"{averaged}");
        Assert.True(mean.Upper < 0.40, $"{mean}");
        Assert.True(mean.Lower < 0.20 && mean.Upper > 0.20, $"{mean} must hold the macro 0.20");
        // The same shape on three labels only stays inconclusive.
        Assert.True(WilsonInterval.OfMean([(0, 1), (1, 1), (0, 1)]).Upper > 0.40);
    }
}
