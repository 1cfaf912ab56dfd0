using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>
/// For cameras whose source carries ground truth: scores what the camera saw and counted with the
/// <see cref="TruthScorer"/>, and gives each vehicle the label of the truth vehicle its track followed most often
/// before handing it on. Everything else goes to the inner sink unchanged.
/// </summary>
public sealed class GroundTruthTrackSink : ITrackSink
{
    /// <summary>Least overlap for a box to show a truth vehicle.</summary>
    private const double MinimumIou = 0.3;

    private readonly string _cameraId;
    private readonly TruthScorer _scorer;
    private readonly ITrackSink _inner;
    private readonly PerTrack<TruthTally> _tallies;
    private IReadOnlyList<string>? _labels;

    public GroundTruthTrackSink(string cameraId, TruthScorer scorer, TrackerOptions tracking, ITrackSink inner)
    {
        _cameraId = cameraId;
        _scorer = scorer;
        _inner = inner;
        _tallies = new PerTrack<TruthTally>(tracking.MaxMissedFrames);
    }

    /// <summary>Sightings per truth vehicle (by its track id) over one of our tracks.</summary>
    private sealed class TruthTally : Dictionary<int, (int Count, string Label)>;

    public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds)
    {
        _tallies.NextFrame();
        if (frame.Model is { } model && !ReferenceEquals(model.Labels, _labels))
        {
            _labels = model.Labels;
            _scorer.KnowLabels(_labels);
        }
        if (frame.Truth is { } truth)
        {
            _scorer.ObserveFrame(truth.Objects.Select(o => new TruthSighting(_cameraId, o.TrackId, o.Label, o.Visible)));
            for (int i = 0; i < frame.Boxes.Count; i++)
            {
                var tally = _tallies.Seen(trackIds[i]);
                if (Match(truth, frame.Boxes[i]) is { } o)
                    tally[o.TrackId] = (tally.GetValueOrDefault(o.TrackId).Count + 1, o.Label);
            }
        }
        _inner.Observe(frame, trackIds);
    }

    public ValueTask CompleteAsync(TrackedVehicle vehicle)
    {
        var track = vehicle.Track;
        // The truth vehicle this track followed most often, if any.
        var followed = _tallies.Take(track.TrackId)?.OrderByDescending(t => t.Value.Count)
            .Select(t => ((int TrackId, string Label)?)(t.Key, t.Value.Label)).FirstOrDefault();
        _scorer.RecordEvent(_cameraId, track.Label ?? CompletedTrack.UnknownLabel, followed?.TrackId, followed?.Label);
        return _inner.CompleteAsync(vehicle with { TruthLabel = followed?.Label });
    }

    /// <summary>The truth vehicle a box shows: the one it overlaps most, if that overlap is a real match.</summary>
    private static TruthObject? Match(FrameTruth truth, Rect box)
    {
        TruthObject? best = null;
        double bestIou = MinimumIou;
        foreach (var o in truth.Objects)
        {
            double iou = BoxGeometry.Iou(o.Box, box);
            if (iou >= bestIou) (best, bestIou) = (o, iou);
        }
        return best;
    }
}
