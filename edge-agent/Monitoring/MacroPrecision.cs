using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>The macro precision of a report: the mean of correct/predicted over the classes that were predicted (as the hub computes it).</summary>
public static class MacroPrecision
{
    /// <summary>Null when no class was predicted.</summary>
    public static double? Of(IReadOnlyDictionary<string, ClassPrecision> classes)
    {
        var predicted = classes.Values.Where(c => c.Predicted > 0).ToList();
        return predicted.Count == 0 ? null : predicted.Average(c => c.Correct / c.Predicted);
    }

    public static double Predictions(IReadOnlyDictionary<string, ClassPrecision> classes) => classes.Values.Sum(c => c.Predicted);
}
