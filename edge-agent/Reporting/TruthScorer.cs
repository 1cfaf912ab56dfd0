using EdgeMlops.Inference.Evaluation;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>A vehicle in a source's ground truth, as seen in one frame.</summary>
public readonly record struct TruthSighting(string CameraId, int TrackId, string Label, double Visible);

/// <summary>
/// Scores vehicle events against ground truth (the synthetic source's, or any source that carries it):
/// counting recall over the truth vehicles that were really in view, and classification precision per class over
/// the events that could be matched to a truth vehicle. Labels follow the models that classified the events: the
/// summary covers every label of every model that was told with <see cref="KnowLabels"/>, in the order first told.
/// </summary>
public sealed class TruthScorer
{
    /// <summary>A truth vehicle counts as "should have been counted" once at least this share of it was visible.</summary>
    public const double CountableVisibility = 0.6;

    private readonly Dictionary<(string Camera, int Track), string> _countable = [];
    private readonly HashSet<(string Camera, int Track)> _counted = [];
    private readonly List<string> _labels = [];
    private readonly Dictionary<(string Truth, string Predicted), long> _classified = [];
    private readonly Lock _gate = new();
    private IReadOnlyList<string>? _lastLabels;
    private long _unmatchedEvents;
    private bool _hasTruth;

    public TruthScorer(IReadOnlyList<string>? labels = null)
    {
        if (labels is not null) KnowLabels(labels);
    }

    /// <summary>True once any frame with ground truth was observed: without it there is nothing to score against.</summary>
    public bool HasTruth
    {
        get { lock (_gate) return _hasTruth; }
    }

    /// <summary>Adds the labels of a model whose events are scored; known labels keep their place.</summary>
    public void KnowLabels(IReadOnlyList<string> labels)
    {
        lock (_gate)
        {
            if (ReferenceEquals(labels, _lastLabels)) return;
            foreach (var label in labels)
                if (!_labels.Contains(label)) _labels.Add(label);
            _lastLabels = labels;
        }
    }

    public void ObserveFrame(IEnumerable<TruthSighting> sightings)
    {
        lock (_gate)
        {
            _hasTruth = true;
            foreach (var s in sightings)
                if (s.Visible >= CountableVisibility) _countable.TryAdd((s.CameraId, s.TrackId), s.Label);
        }
    }

    /// <param name="truthTrackId">The truth vehicle the event's track followed most often, or null when none.</param>
    public void RecordEvent(string cameraId, string predictedLabel, int? truthTrackId, string? truthLabel)
    {
        lock (_gate)
        {
            if (truthTrackId is null || truthLabel is null)
            {
                _unmatchedEvents++;
                return;
            }
            _counted.Add((cameraId, truthTrackId.Value));
            _classified[(truthLabel, predictedLabel)] = _classified.GetValueOrDefault((truthLabel, predictedLabel)) + 1;
        }
    }

    public TruthSummary Summarise()
    {
        lock (_gate)
        {
            var vehicles = _labels.ToDictionary(l => l, l => _countable.Values.Count(v => v == l));
            int found = _countable.Keys.Count(_counted.Contains);
            double recall = _countable.Count == 0 ? 0 : Math.Round((double)found / _countable.Count, 4);
            if (_labels.Count == 0)
                return new TruthSummary(vehicles, recall, new Dictionary<string, double>(), 0, _unmatchedEvents);
            var classification = new ConfusionMatrix([.. _labels]);
            foreach (var ((truth, predicted), count) in _classified)
            {
                int t = _labels.IndexOf(truth), p = _labels.IndexOf(predicted);
                if (t < 0 || p < 0) continue; // a label no model had (an unknown class, or "unknown")
                for (long i = 0; i < count; i++) classification.Add(t, p);
            }
            return new TruthSummary(
                vehicles,
                recall,
                classification.PrecisionByLabel().ToDictionary(p => p.Key, p => Math.Round(p.Value, 4)),
                Math.Round(classification.MacroPrecision, 4),
                _unmatchedEvents);
        }
    }
}

/// <summary>The <c>truth</c> part of the run summary.</summary>
public sealed record TruthSummary(
    IReadOnlyDictionary<string, int> Vehicles,
    double CountRecall,
    IReadOnlyDictionary<string, double> Precision,
    double MacroPrecision,
    long UnmatchedEvents);
