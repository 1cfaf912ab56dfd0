namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>What one series is, over which window: the part every figure of it shares.</summary>
internal sealed record PrecisionSeries(
    string DeviceId, string? CameraId, string ModelName, string ModelVersion, string Source, DateTimeOffset From, DateTimeOffset To);

/// <summary>One predicted class's sums: predictions, and how many were right (expected right, for an estimate).</summary>
internal readonly record struct ClassCount(string Label, double Predicted, double Correct);

/// <summary>Class and macro figures from class sums, the one place their definition lives.</summary>
internal static class PrecisionMath
{
    /// <summary>The class's precision and its Wilson interval.</summary>
    public static PrecisionFigure OfClass(PrecisionSeries series, ClassCount count)
    {
        var interval = WilsonInterval.Of(count.Correct, count.Predicted);
        return Figure(series, PrecisionFigure.ClassMetric(count.Label), count.Predicted, count.Correct,
            Math.Clamp(count.Correct / count.Predicted, 0, 1), interval.Lower, interval.Upper);
    }

    /// <summary>
    /// The mean of the class precisions over the classes with predictions, and the mean of their Wilson bounds; null
    /// when no class was predicted.
    /// </summary>
    public static PrecisionFigure? Macro(PrecisionSeries series, IReadOnlyCollection<ClassCount> classes)
    {
        double samples = 0, correct = 0, precision = 0, lower = 0, upper = 0;
        var predicted = 0;
        foreach (var count in classes)
        {
            if (count.Predicted <= 0)
                continue;
            var interval = WilsonInterval.Of(count.Correct, count.Predicted);
            samples += count.Predicted;
            correct += count.Correct;
            precision += Math.Clamp(count.Correct / count.Predicted, 0, 1);
            lower += interval.Lower;
            upper += interval.Upper;
            predicted++;
        }
        return predicted == 0
            ? null
            : Figure(series, PrecisionFigure.Macro, samples, correct, precision / predicted, lower / predicted, upper / predicted);
    }

    private static PrecisionFigure Figure(PrecisionSeries s, string metric, double samples, double correct, double precision, double lower, double upper) =>
        new(s.DeviceId, s.CameraId, s.ModelName, s.ModelVersion, s.Source, metric, s.From, s.To, samples, correct, precision, lower, upper);
}
