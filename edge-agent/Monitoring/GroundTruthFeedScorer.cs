using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>A vehicle event as the feed scorer keeps it.</summary>
public sealed record FeedEvent(DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string Label, string ModelName, string ModelVersion);

/// <summary>
/// Scores the cameras' events against a ground-truth feed (<see cref="PrecisionSources.Feed"/>). Each camera's recent
/// events are kept; a feed line waits until its camera's source time has passed the line's end by one window (the
/// vehicles it speaks of have left the view and been reported), then it is scored:
/// <list type="bullet">
/// <item>a counter window: per class, min(counted, predicted) correct out of the events predicted in [from, to) (an
/// upper bound: a missed car and a van called a car cancel out);</item>
/// <item>a per-event label: the event whose sighting covers the time (within a second) is correct when the label is
/// its prediction; labels scored together go out as one report per model version and window.</item>
/// </list>
/// Thread-safe: cameras record from their tracking stages while the feed service adds and scores.
/// </summary>
public sealed class GroundTruthFeedScorer(string deviceId, IEnumerable<string> cameraIds, TimeSpan window, ILogger<GroundTruthFeedScorer> logger)
{
    /// <summary>How long events are kept for feed lines still to come, in source time.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(6);

    /// <summary>Events kept per camera at most, whatever their age.</summary>
    public const int MaxEventsPerCamera = 100_000;

    /// <summary>Feed lines waiting for their camera at most; the oldest go first.</summary>
    public const int MaxPending = 100_000;

    private static readonly TimeSpan LabelTolerance = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CameraHistory> _cameras = cameraIds.ToDictionary(c => c, _ => new CameraHistory(), StringComparer.Ordinal);
    private readonly List<FeedEntry> _pending = [];
    private readonly HashSet<string> _unknownCamerasWarned = new(StringComparer.Ordinal);

    private sealed class CameraHistory
    {
        public readonly List<(FeedEvent Event, bool Labelled)> Events = [];
        public DateTimeOffset SceneTime = DateTimeOffset.MinValue;
    }

    /// <summary>Feed lines waiting for their camera's source time.</summary>
    public int Pending
    {
        get { lock (_gate) return _pending.Count; }
    }

    public void Record(string cameraId, FeedEvent vehicle)
    {
        lock (_gate)
        {
            if (!_cameras.TryGetValue(cameraId, out var history)) return;
            history.Events.Add((vehicle, false));
            int stale = history.Events.FindIndex(e => e.Event.LastSeen >= vehicle.LastSeen - Retention);
            int drop = Math.Max(stale < 0 ? 0 : stale, history.Events.Count - MaxEventsPerCamera);
            if (drop > 0) history.Events.RemoveRange(0, drop);
        }
    }

    /// <summary>The camera's pipeline has reached <paramref name="sceneTime"/> in source time.</summary>
    public void Advance(string cameraId, DateTimeOffset sceneTime)
    {
        lock (_gate)
            if (_cameras.TryGetValue(cameraId, out var history) && sceneTime > history.SceneTime) history.SceneTime = sceneTime;
    }

    /// <summary>Queues a feed line; false (with a warning, once per camera) when its camera is not one of the box's.</summary>
    public bool Add(FeedEntry entry)
    {
        lock (_gate)
        {
            if (!_cameras.ContainsKey(entry.Camera))
            {
                if (_unknownCamerasWarned.Add(entry.Camera))
                    logger.LogWarning("Ground-truth feed names camera {Camera}, which this box does not have; its lines are ignored", entry.Camera);
                return false;
            }
            if (_pending.Count >= MaxPending)
            {
                logger.LogWarning("Ground-truth feed: {Pending} lines wait for their cameras; dropping the oldest, for camera {Camera}", _pending.Count, _pending[0].Camera);
                _pending.RemoveAt(0);
            }
            _pending.Add(entry);
            return true;
        }
    }

    /// <summary>Scores the lines whose camera has passed their end (every line when <paramref name="all"/>); returns the reports.</summary>
    public IReadOnlyList<PrecisionReport> ScoreReady(bool all = false)
    {
        lock (_gate)
        {
            var reports = new List<PrecisionReport>();
            var labels = new Dictionary<(string Camera, string Name, string Version, DateTimeOffset Start), Dictionary<string, (long Predicted, long Correct)>>();
            for (int i = 0; i < _pending.Count; i++)
            {
                var entry = _pending[i];
                var history = _cameras[entry.Camera];
                if (!all && history.SceneTime < entry.Until + window) continue;
                _pending.RemoveAt(i--);
                switch (entry)
                {
                    case FeedCounts counts:
                        if (ScoreCounts(counts, history) is { } report) reports.Add(report);
                        break;
                    case FeedLabel label:
                        ScoreLabel(label, history, labels);
                        break;
                }
            }
            foreach (var ((camera, name, version, start), classes) in labels.OrderBy(l => l.Key.Start))
                reports.Add(new PrecisionReport(deviceId, camera, name, version, PrecisionSources.Feed, start, start + window,
                    classes.ToDictionary(c => c.Key, c => new ClassPrecision(c.Value.Predicted, c.Value.Correct), StringComparer.Ordinal)));
            return reports;
        }
    }

    private PrecisionReport? ScoreCounts(FeedCounts counts, CameraHistory history)
    {
        var events = history.Events.Select(e => e.Event).Where(e => e.LastSeen >= counts.From && e.LastSeen < counts.To).ToList();
        if (events.Count == 0) return null;
        var versions = events.Select(e => (e.ModelName, e.ModelVersion)).Distinct().ToList();
        if (versions.Count > 1)
        {
            // A counter cannot say which model got which vehicle right.
            logger.LogWarning("Ground-truth feed: counter window {From:o}..{To:o} of camera {Camera} spans {VersionCount} model versions ({Versions}); it is not scored",
                counts.From, counts.To, counts.Camera, versions.Count, string.Join(", ", versions.Select(v => $"{v.ModelName} {v.ModelVersion}")));
            return null;
        }
        var classes = events.GroupBy(e => e.Label, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => new ClassPrecision(g.Count(), Math.Min(g.Count(), counts.Counts.GetValueOrDefault(g.Key))), StringComparer.Ordinal);
        return new PrecisionReport(deviceId, counts.Camera, versions[0].ModelName, versions[0].ModelVersion, PrecisionSources.Feed,
            counts.From, counts.To, classes);
    }

    private void ScoreLabel(FeedLabel label, CameraHistory history,
        Dictionary<(string, string, string, DateTimeOffset), Dictionary<string, (long Predicted, long Correct)>> scored)
    {
        int best = -1;
        TimeSpan bestDistance = TimeSpan.MaxValue;
        for (int i = 0; i < history.Events.Count; i++)
        {
            var (e, labelled) = history.Events[i];
            if (labelled) continue;
            var distance = label.Time < e.FirstSeen ? e.FirstSeen - label.Time : label.Time > e.LastSeen ? label.Time - e.LastSeen : TimeSpan.Zero;
            if (distance <= LabelTolerance && distance < bestDistance) (best, bestDistance) = (i, distance);
        }
        if (best < 0)
        {
            // A vehicle the box never reported: a matter of recall, not of precision.
            logger.LogDebug("Ground-truth feed: no event of camera {Camera} at {Time:o} for label {Label}", label.Camera, label.Time, label.Label);
            return;
        }
        var (vehicle, _) = history.Events[best];
        history.Events[best] = (vehicle, true);
        var key = (label.Camera, vehicle.ModelName, vehicle.ModelVersion, CameraPrecisionMonitor.AlignedStart(vehicle.LastSeen, window));
        if (!scored.TryGetValue(key, out var classes)) scored[key] = classes = new(StringComparer.Ordinal);
        var (predicted, correct) = classes.GetValueOrDefault(vehicle.Label);
        classes[vehicle.Label] = (predicted + 1, correct + (label.Label == vehicle.Label ? 1 : 0));
    }
}
