using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using OpenCvSharp;

namespace EdgeMlops.Inference.Evaluation;

/// <summary>
/// Measures a classifier on a labelled set through the same <see cref="ClassifierSession"/> the edge runs, so the
/// figures the hub writes into a manifest are the figures a box would see, and a box can run a package's canary set.
/// </summary>
public static class ClassifierEvaluator
{
    /// <param name="truth">Label index of each crop, in the session's label order.</param>
    public static EvaluationMetrics Evaluate(ClassifierSession session, IReadOnlyList<Mat> crops, IReadOnlyList<int> truth, string set, string? condition)
    {
        if (crops.Count != truth.Count) throw new ArgumentException("One truth label per crop is needed.", nameof(truth));
        var matrix = new ConfusionMatrix(session.Signature.Labels);
        var batch = new List<Mat>(session.MaxBatchSize);
        for (int start = 0; start < crops.Count; start += session.MaxBatchSize)
        {
            batch.Clear();
            for (int i = start; i < Math.Min(crops.Count, start + session.MaxBatchSize); i++) batch.Add(crops[i]);
            var probabilities = session.Classify(batch);
            for (int i = 0; i < batch.Count; i++)
                matrix.Add(truth[start + i], ConfusionMatrix.ArgMax(probabilities.Slice(i * session.LabelCount, session.LabelCount)));
        }
        return ToMetrics(matrix, set, condition);
    }

    public static EvaluationMetrics ToMetrics(ConfusionMatrix matrix, string set, string? condition) => new()
    {
        Set = set,
        Condition = condition,
        Samples = (int)matrix.Total,
        MacroPrecision = Math.Round(matrix.MacroPrecision, 4),
        MacroRecall = Math.Round(matrix.MacroRecall, 4),
        Accuracy = Math.Round(matrix.Accuracy, 4),
        Precision = matrix.PrecisionByLabel().ToDictionary(p => p.Key, p => Math.Round(p.Value, 4)),
        Recall = matrix.RecallByLabel().ToDictionary(p => p.Key, p => Math.Round(p.Value, 4)),
    };
}
