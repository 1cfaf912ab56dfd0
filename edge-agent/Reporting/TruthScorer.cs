using EdgeMlops.Inference.Evaluation;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>A vehicle in a source's ground truth, as seen in one frame.</summary>
public readonly record struct TruthSighting(string CameraId, int TrackId, string Label, double Visible);

/// <summary>
/// Scores vehicle events against ground truth (the synthetic source's, or any source that carries it):
/// counting recall over the truth vehicles that were really in view, and classification precision per class over
/// the events that could be matched to a truth vehicle.
/// </summary>
public sealed class TruthScorer(IReadOnlyList<string> labels)
{
    /// <summary>A truth vehicle counts as "should have been counted" once at least this share of it was visible.</summary>
    public const double CountableVisibility = 0.6;

    private readonly Dictionary<(string Camera, int Track), string> _countable = [];
    private readonly HashSet<(string Camera, int Track)> _counted = [];
    private readonly ConfusionMatrix _classification = new(labels);
    private readonly Lock _gate = new();
    private long _unmatchedEvents;
    private bool _hasTruth;

    /// <summary>True once any frame with ground truth was observed: without it there is nothing to score against.</summary>
    public bool HasTruth
    {
        get { lock (_gate) return _hasTruth; }
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
            int truth = IndexOf(truthLabel), predicted = IndexOf(predictedLabel);
            if (truth >= 0 && predicted >= 0) _classification.Add(truth, predicted);
        }
    }

    private int IndexOf(string label)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] == label) return i;
        return -1;
    }

    public TruthSummary Summarise()
    {
        lock (_gate)
        {
            var vehicles = labels.ToDictionary(l => l, l => _countable.Values.Count(v => v == l));
            int found = _countable.Keys.Count(_counted.Contains);
            return new TruthSummary(
                vehicles,
                _countable.Count == 0 ? 0 : Math.Round((double)found / _countable.Count, 4),
                _classification.PrecisionByLabel().ToDictionary(p => p.Key, p => Math.Round(p.Value, 4)),
                Math.Round(_classification.MacroPrecision, 4),
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
