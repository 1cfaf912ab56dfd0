namespace EdgeMlops.Inference.Evaluation;

/// <summary>
/// Counts of (true label, predicted label) pairs and the precision/recall figures derived from them. Precision of a
/// label that was never predicted is undefined; it is reported as 0 so a model that ignores a class cannot score
/// well on macro precision by silence.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("At least one label is needed.", nameof(labels));
        Labels = labels;
        _counts = new long[labels.Count, labels.Count];
    }

    public IReadOnlyList<string> Labels { get; }
    public long Total { get; private set; }

    public void Add(int truth, int predicted)
    {
        _counts[truth, predicted]++;
        Total++;
    }

    public long Count(int truth, int predicted) => _counts[truth, predicted];

    public double Precision(int label)
    {
        long predicted = 0;
        for (int t = 0; t < Labels.Count; t++) predicted += _counts[t, label];
        return predicted == 0 ? 0 : (double)_counts[label, label] / predicted;
    }

    public double Recall(int label)
    {
        long actual = 0;
        for (int p = 0; p < Labels.Count; p++) actual += _counts[label, p];
        return actual == 0 ? 0 : (double)_counts[label, label] / actual;
    }

    /// <summary>Mean precision over the labels that occur in the truth (labels absent from the set do not count).</summary>
    public double MacroPrecision => MacroOver(Precision);

    public double MacroRecall => MacroOver(Recall);

    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int i = 0; i < Labels.Count; i++) correct += _counts[i, i];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    public IReadOnlyDictionary<string, double> PrecisionByLabel() => ByLabel(Precision);
    public IReadOnlyDictionary<string, double> RecallByLabel() => ByLabel(Recall);

    private bool Occurs(int label)
    {
        for (int p = 0; p < Labels.Count; p++)
            if (_counts[label, p] > 0) return true;
        return false;
    }

    private double MacroOver(Func<int, double> metric)
    {
        var present = Enumerable.Range(0, Labels.Count).Where(Occurs).ToList();
        return present.Count == 0 ? 0 : present.Average(metric);
    }

    private Dictionary<string, double> ByLabel(Func<int, double> metric) =>
        Enumerable.Range(0, Labels.Count).Where(Occurs).ToDictionary(i => Labels[i], metric);

    /// <summary>Index of the largest probability: the predicted label.</summary>
    public static int ArgMax(ReadOnlySpan<float> probabilities)
    {
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
            if (probabilities[i] > probabilities[best]) best = i;
        return best;
    }
}
