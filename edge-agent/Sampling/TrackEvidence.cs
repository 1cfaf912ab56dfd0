using EdgeMlops.Packaging;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// What the sampler keeps of one tracked vehicle while it is in view: per label the summed raw and calibrated
/// probabilities and the frames that voted for it (their argmax), the crop the classifier was least sure of, and
/// whether the source carried ground truth. A track classified by a model with other labels starts over.
/// </summary>
public sealed class TrackEvidence : IDisposable
{
    private double[] _probabilitySum = [];
    private double[] _calibratedSum = [];
    private int[] _votes = [];
    private double[] _scratch = [];

    /// <summary>The labels the sums are in; a track classified by a newer model starts its sums over.</summary>
    public IReadOnlyList<string>? Labels { get; private set; }

    /// <summary>Classified frames since the sums (re)started.</summary>
    public int Observations { get; private set; }

    /// <summary>The highest raw probability of the hardest frame.</summary>
    public double LowestConfidence { get; private set; } = double.MaxValue;

    /// <summary>The crop of the frame the classifier was least sure of; owned by this object.</summary>
    public Mat? HardestCrop { get; private set; }

    /// <summary>Whether any frame of the track came with ground truth (synthetic sources, videos with a truth sidecar).</summary>
    public bool SawTruth { get; private set; }

    /// <summary>Adds one classified sighting; <paramref name="temperature"/> is the classifying model's calibration.</summary>
    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, double temperature, Mat crop, bool withTruth)
    {
        if (labels.Count != probabilities.Length)
            throw new ArgumentException($"{labels.Count} labels but {probabilities.Length} probabilities.", nameof(probabilities));
        if (!ReferenceEquals(Labels, labels))
        {
            Labels = labels;
            _probabilitySum = new double[labels.Count];
            _calibratedSum = new double[labels.Count];
            _votes = new int[labels.Count];
            _scratch = new double[labels.Count];
            Observations = 0;
        }
        TemperatureScaling.Calibrate(probabilities, temperature, _scratch);
        int argmax = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            _probabilitySum[i] += probabilities[i];
            _calibratedSum[i] += _scratch[i];
            if (probabilities[i] > probabilities[argmax]) argmax = i;
        }
        _votes[argmax]++;
        Observations++;
        SawTruth |= withTruth;
        if (probabilities[argmax] < LowestConfidence)
        {
            LowestConfidence = probabilities[argmax];
            crop.CopyTo(HardestCrop ??= new Mat());
        }
    }

    /// <summary>The mean raw probability per label, in <see cref="Labels"/> order.</summary>
    public IReadOnlyDictionary<string, double> MeanProbabilities() =>
        Labels is null ? new Dictionary<string, double>()
        : Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => _probabilitySum[p.i] / Observations, StringComparer.Ordinal);

    /// <summary>The mean calibrated probability of <paramref name="label"/> over the track; null when the label is not the model's.</summary>
    public double? CalibratedConfidence(string label)
    {
        if (Labels is null || Observations == 0) return null;
        for (int i = 0; i < Labels.Count; i++)
            if (string.Equals(Labels[i], label, StringComparison.Ordinal)) return _calibratedSum[i] / Observations;
        return null;
    }

    /// <summary>
    /// Entropy of the mean raw probabilities divided by its most (log of the label count): 0 when one label has it
    /// all, 1 when the classifier could not tell any label from another.
    /// </summary>
    public double NormalisedEntropy()
    {
        if (Observations == 0 || _probabilitySum.Length < 2) return 0;
        double entropy = 0;
        foreach (var sum in _probabilitySum)
        {
            double p = sum / Observations;
            if (p > 0) entropy -= p * Math.Log(p);
        }
        return Math.Clamp(entropy / Math.Log(_probabilitySum.Length), 0, 1);
    }

    /// <summary>Share of the frames whose most probable label is the one most frames chose: 1 when every frame agreed.</summary>
    public double WinningVoteShare() => Observations == 0 ? 1 : (double)_votes.Max() / Observations;

    public void Dispose() => HardestCrop?.Dispose();
}
