using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// Links one camera's boxes frame to frame into vehicle tracks and reports each vehicle exactly once, when its
/// track ends (unseen for longer than <see cref="TrackerOptions.MaxMissedFrames"/>, or at <see cref="Complete"/>).
/// Reporting at the end rather than at the counting line lets the class vote use every frame of the vehicle; the
/// record says whether and which way it crossed the line, which is what counting uses.
/// Matching is greedy: highest IoU between each track's predicted box (constant velocity) and the new boxes first,
/// then, for what is left, nearest centre within <see cref="TrackerOptions.CentroidGate"/>. Not thread-safe.
/// </summary>
public sealed class IouTracker
{
    // Ties broken by position so that the same input always gives the same tracks.
    private static readonly Comparison<Candidate> HighestScoreFirst = (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : ByPosition(a, b);
    private static readonly Comparison<Candidate> LowestScoreFirst = (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : ByPosition(a, b);

    private readonly TrackerOptions _options;
    private readonly CountingLine? _countingLine;
    private readonly List<Track> _tracks = [];
    private readonly List<Candidate> _candidates = [];
    private readonly List<Rect> _predicted = [];
    private readonly List<int> _trackOfObservation = [];
    private readonly List<bool> _trackMatched = [];
    private long _nextId = 1;

    public IouTracker(string cameraId, TrackerOptions options, CountingLine? countingLine = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraId);
        options.Validate();
        CameraId = cameraId;
        _options = options;
        _countingLine = countingLine;
    }

    public string CameraId { get; }

    public int ActiveTracks => _tracks.Count;

    /// <summary>Tracks that ended with fewer than <see cref="TrackerOptions.MinObservations"/> observations and were not reported.</summary>
    public long DiscardedTracks { get; private set; }

    /// <summary>
    /// Links the boxes of the frame taken at <paramref name="timestamp"/> to tracks. <paramref name="trackIds"/> is
    /// filled with the track id of each observation, in order; tracks that ended are appended to <paramref name="completed"/>.
    /// </summary>
    public void Update(DateTimeOffset timestamp, IReadOnlyList<TrackObservation> observations, List<long> trackIds, List<CompletedTrack> completed)
    {
        Match(timestamp, observations);

        trackIds.Clear();
        int existing = _tracks.Count;
        for (int o = 0; o < observations.Count; o++)
        {
            int t = _trackOfObservation[o];
            if (t >= 0)
            {
                _tracks[t].Observe(observations[o], timestamp, _countingLine);
                trackIds.Add(_tracks[t].Id);
            }
            else
            {
                var track = new Track(_nextId++, observations[o], timestamp, _countingLine);
                _tracks.Add(track);
                trackIds.Add(track.Id);
            }
        }

        // Backwards, so removing a track does not shift the ones still to visit.
        for (int t = existing - 1; t >= 0; t--)
        {
            if (_trackMatched[t] || ++_tracks[t].Missed <= _options.MaxMissedFrames) continue;
            End(_tracks[t], TrackEndReason.Lost, completed);
            _tracks.RemoveAt(t);
        }
    }

    /// <summary>Ends every active track (the stream ended) and appends the reportable ones to <paramref name="completed"/>.</summary>
    public void Complete(List<CompletedTrack> completed)
    {
        foreach (var track in _tracks) End(track, TrackEndReason.StreamEnded, completed);
        _tracks.Clear();
    }

    private void Match(DateTimeOffset timestamp, IReadOnlyList<TrackObservation> observations)
    {
        _predicted.Clear();
        _trackMatched.Clear();
        foreach (var track in _tracks)
        {
            _predicted.Add(track.PredictedBox(timestamp));
            _trackMatched.Add(false);
        }
        _trackOfObservation.Clear();
        for (int o = 0; o < observations.Count; o++) _trackOfObservation.Add(-1);

        _candidates.Clear();
        for (int t = 0; t < _tracks.Count; t++)
        for (int o = 0; o < observations.Count; o++)
        {
            double iou = BoxGeometry.Iou(_predicted[t], observations[o].Box);
            if (iou >= _options.MinIou) _candidates.Add(new Candidate(iou, t, o));
        }
        AssignGreedily(highestFirst: true);

        if (_options.CentroidGate <= 0) return;
        _candidates.Clear();
        for (int t = 0; t < _tracks.Count; t++)
        {
            if (_trackMatched[t]) continue;
            var predictedCentre = BoxGeometry.Centre(_predicted[t]);
            for (int o = 0; o < observations.Count; o++)
            {
                if (_trackOfObservation[o] >= 0) continue;
                var box = observations[o].Box;
                double distance = BoxGeometry.Distance(predictedCentre, BoxGeometry.Centre(box));
                double gate = _options.CentroidGate * Math.Max(BoxGeometry.Diagonal(_predicted[t]), BoxGeometry.Diagonal(box));
                if (distance <= gate) _candidates.Add(new Candidate(distance, t, o));
            }
        }
        AssignGreedily(highestFirst: false);
    }

    private void AssignGreedily(bool highestFirst)
    {
        _candidates.Sort(highestFirst ? HighestScoreFirst : LowestScoreFirst);
        foreach (var candidate in _candidates)
        {
            if (_trackMatched[candidate.Track] || _trackOfObservation[candidate.Observation] >= 0) continue;
            _trackMatched[candidate.Track] = true;
            _trackOfObservation[candidate.Observation] = candidate.Track;
        }
    }

    private void End(Track track, TrackEndReason reason, List<CompletedTrack> completed)
    {
        if (track.Observations < _options.MinObservations)
        {
            DiscardedTracks++;
            return;
        }
        completed.Add(track.Complete(CameraId, reason, _options.TopK));
    }

    private static int ByPosition(Candidate a, Candidate b) =>
        a.Track != b.Track ? a.Track.CompareTo(b.Track) : a.Observation.CompareTo(b.Observation);

    private readonly record struct Candidate(double Score, int Track, int Observation);
}
