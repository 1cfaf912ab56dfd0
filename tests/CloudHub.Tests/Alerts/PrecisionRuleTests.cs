using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Alerts;

/// <summary>The rules on the Wilson interval, with the figures of ANCHORS.md (30% observed precision).</summary>
public sealed class PrecisionRuleTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static PrecisionFigure Class(string label, double correct, double predicted)
    {
        var w = WilsonInterval.Of(correct, predicted);
        return new PrecisionFigure("box-1", "cam-1", "m", "1", "review", PrecisionFigure.ClassMetric(label), T, T, predicted, correct, correct / predicted, w.Lower, w.Upper);
    }

    private static PrecisionFigure Macro(params PrecisionFigure[] classes) =>
        new("box-1", "cam-1", "m", "1", "review", PrecisionFigure.Macro, T, T, classes.Sum(c => c.Samples), classes.Sum(c => c.Correct),
            classes.Average(c => c.Precision), classes.Average(c => c.Lower), classes.Average(c => c.Upper));

    private static RuleOutcome Judge(AlertMetric metric, params PrecisionFigure[] classes) =>
        PrecisionRule.Judge([Macro(classes), .. classes], metric, threshold: 0.40, hysteresis: 0.05, minSamples: 30);

    [Theory]
    [InlineData(6, 20, RuleVerdict.Inconclusive)]   // 30% of 20: interval 14.5-51.9%, too few to say and under MinSamples
    [InlineData(15, 50, RuleVerdict.Inconclusive)]  // 30% of 50: upper bound 43.8%, not yet established
    [InlineData(30, 100, RuleVerdict.Fires)]        // 30% of 100: upper bound 39.6% < 40%
    public void Thirty_percent_fires_only_once_the_upper_bound_is_under_the_threshold(int correct, int predicted, RuleVerdict expected)
    {
        var outcome = Judge(AlertMetric.Macro, Class("car", correct, predicted));

        Assert.Equal(expected, outcome.Verdict);
    }

    [Fact]
    public void A_terrible_figure_with_fewer_samples_than_the_minimum_does_not_fire()
    {
        // 0 of 25: the Wilson upper bound is 13%, far under the threshold, but 25 < MinSamples 30.
        Assert.Equal(RuleVerdict.Inconclusive, Judge(AlertMetric.Macro, Class("car", 0, 25)).Verdict);
        Assert.Equal(RuleVerdict.Fires, Judge(AlertMetric.Macro, Class("car", 0, 30)).Verdict);
    }

    [Fact]
    public void Recovery_needs_the_lower_bound_over_threshold_plus_hysteresis()
    {
        // 50 of 100: lower bound 40.4% — over the threshold but not over 45%: stays as it is.
        Assert.Equal(RuleVerdict.Inconclusive, Judge(AlertMetric.Macro, Class("car", 50, 100)).Verdict);
        // 60 of 100: lower bound 50.2% > 45%.
        var recovered = Judge(AlertMetric.Macro, Class("car", 60, 100));
        Assert.Equal(RuleVerdict.Recovered, recovered.Verdict);
        Assert.Equal(WilsonInterval.Of(60, 100).Lower, recovered.Bound, 9);
    }

    [Fact]
    public void Any_class_fires_on_the_worst_class_that_macro_averages_away()
    {
        PrecisionFigure[] classes = [Class("car", 190, 200), Class("van", 20, 100)];

        Assert.NotEqual(RuleVerdict.Fires, Judge(AlertMetric.Macro, classes).Verdict);
        var anyClass = Judge(AlertMetric.AnyClass, classes);
        Assert.Equal((RuleVerdict.Fires, "class:van"), (anyClass.Verdict, anyClass.Metric));
        Assert.Equal(100, anyClass.Samples);
    }

    [Fact]
    public void Any_class_ignores_classes_under_the_minimum_and_recovers_only_when_every_counted_class_is_clear()
    {
        Assert.Equal(RuleVerdict.Recovered, Judge(AlertMetric.AnyClass, Class("car", 190, 200), Class("bus", 0, 5)).Verdict);
        Assert.Equal(RuleVerdict.Inconclusive, Judge(AlertMetric.AnyClass, Class("car", 190, 200), Class("van", 45, 100)).Verdict);
    }

    [Theory]
    [InlineData(0.12, 0.01, 100, RuleVerdict.Fires)]        // PSI at Evidently's 0.1 or over
    [InlineData(0.07, 0.02, 100, RuleVerdict.Inconclusive)] // between threshold - hysteresis and threshold
    [InlineData(0.03, 0.02, 100, RuleVerdict.Recovered)]
    [InlineData(0.50, 0.50, 10, RuleVerdict.Inconclusive)]  // too few events
    public void Drift_fires_at_the_threshold_and_recovers_under_it_minus_hysteresis(double psi, double js, long events, RuleVerdict expected)
    {
        var figure = new DriftFigure("box-1", "cam-1", "m", "1", T, T, new DriftSignals(events, psi, js, 0.01, 0.01));

        Assert.Equal(expected, DriftRule.Judge(figure, threshold: 0.1, hysteresis: 0.05, minSamples: 30).Verdict);
    }
}
