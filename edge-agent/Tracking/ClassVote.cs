using EdgeMlops.Contracts;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// A track's class vote: the classifier's probabilities summed per label over every classified observation, so a
/// few confident frames outweigh many undecided ones and one odd frame cannot flip the class. Kept by label name
/// rather than index, so a model swapped mid-track with other labels still votes sensibly.
/// </summary>
internal sealed class ClassVote
{
    private readonly Dictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    public int Classified { get; private set; }

    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, Rect box)
    {
        if (labels.Count != probabilities.Length)
            throw new ArgumentException($"{labels.Count} labels but {probabilities.Length} probabilities.", nameof(probabilities));
        for (int i = 0; i < labels.Count; i++)
        {
            if (!_tallies.TryGetValue(labels[i], out var tally))
                _tallies[labels[i]] = tally = new Tally();
            tally.Sum += probabilities[i];
            if (probabilities[i] > tally.Best)
            {
                tally.Best = probabilities[i];
                tally.BestBox = box;
            }
        }
        Classified++;
    }

    /// <summary>Labels by summed probability, highest first (ties by name, so the order is stable), at most <paramref name="count"/>.</summary>
    public IReadOnlyList<LabelProbability> Top(int count) =>
        _tallies.OrderByDescending(t => t.Value.Sum).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(t => new LabelProbability(t.Key, t.Value.Sum / Classified))
            .ToList();

    /// <summary>The box in which <paramref name="label"/> was most probable.</summary>
    public Rect BestBox(string label) => _tallies[label].BestBox;

    private sealed class Tally
    {
        public double Sum;
        public float Best = -1;
        public Rect BestBox;
    }
}
