using EdgeMlops.CloudHub.Monitoring;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>What a rule concludes from one camera's figures: fire (open, or keep open), recovered (may resolve), or neither.</summary>
public enum RuleVerdict { Inconclusive, Fires, Recovered }

/// <summary>A verdict and the figure behind it.</summary>
public sealed record RuleOutcome(RuleVerdict Verdict, string Metric, double Figure, double Bound, long Samples)
{
    public static readonly RuleOutcome None = new(RuleVerdict.Inconclusive, "", 0, 0, 0);
}

/// <summary>
/// The precision rules on the Wilson interval, as pure functions: a figure fires when its UPPER bound is under the
/// threshold with at least <c>MinSamples</c> behind it (the precision is then under the threshold with 97.5%
/// confidence, not just unlucky), and has recovered when its LOWER bound is over threshold + hysteresis.
/// </summary>
public static class PrecisionRule
{
    /// <param name="series">The figures of one series (device, camera, model version, source): its macro and, for <see cref="AlertMetric.AnyClass"/>, per class.</param>
    public static RuleOutcome Judge(IReadOnlyCollection<PrecisionFigure> series, AlertMetric metric, double threshold, double hysteresis, int minSamples)
    {
        var candidates = metric == AlertMetric.Macro
            ? series.Where(f => f.Metric == PrecisionFigure.Macro)
            : series.Where(f => f.Metric.StartsWith("class:", StringComparison.Ordinal));
        var eligible = candidates.Where(f => f.Samples >= minSamples).ToList();
        if (eligible.Count == 0)
            return RuleOutcome.None;
        // Any class: the worst class decides both ways, the one with the lowest upper bound to fire, the lowest lower
        // bound to recover (every class with enough samples must be clear of the line).
        var worstUpper = eligible.MinBy(f => f.Upper)!;
        if (worstUpper.Upper < threshold)
            return Outcome(RuleVerdict.Fires, worstUpper, worstUpper.Upper);
        var worstLower = eligible.MinBy(f => f.Lower)!;
        return worstLower.Lower > threshold + hysteresis
            ? Outcome(RuleVerdict.Recovered, worstLower, worstLower.Lower)
            : Outcome(RuleVerdict.Inconclusive, worstLower, worstLower.Lower);
    }

    private static RuleOutcome Outcome(RuleVerdict verdict, PrecisionFigure figure, double bound) =>
        new(verdict, figure.Metric, figure.Precision, bound, (long)Math.Round(figure.Samples));
}

/// <summary>Drift: fires when any of the four signals is at or over the threshold, recovered when all are under threshold − hysteresis.</summary>
public static class DriftRule
{
    public static RuleOutcome Judge(DriftFigure figure, double threshold, double hysteresis, int minSamples)
    {
        var s = figure.Signals;
        if (s.Events < minSamples)
            return RuleOutcome.None;
        var (name, value) = new[]
        {
            ("classMixPsi", s.ClassMixPsi), ("classMixJs", s.ClassMixJs), ("confidencePsi", s.ConfidencePsi), ("confidenceJs", s.ConfidenceJs),
        }.MaxBy(signal => signal.Item2);
        var verdict = value >= threshold ? RuleVerdict.Fires
            : value < threshold - hysteresis ? RuleVerdict.Recovered
            : RuleVerdict.Inconclusive;
        return new RuleOutcome(verdict, name, value, value, s.Events);
    }
}
