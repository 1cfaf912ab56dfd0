using EdgeMlops.Packaging;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// One camera's precision scoring, in its tracking stage's sink chain (inside the ground-truth sink, so events carry
/// their truth label): per window of source time and per model version, the estimate from calibrated confidences with
/// drift against the model's reference, and the precision measured against the source's ground truth where it has
/// some. Every frame and vehicle is handed on to the inner sink unchanged. A window closes when source time passes its
/// end or the first frame of another model version arrives (a swap); the open one is written when the camera's
/// pipeline is disposed.
/// </summary>
/// <remarks>
/// A window closed by a swap ends at the swap but is written a few frames later: a vehicle last classified by the old
/// version can complete after the new version's first frame (the tracker waits <see cref="TrackerOptions.MaxMissedFrames"/>
/// before it ends a track), and it belongs to the old version's figures.
/// </remarks>
public sealed class CameraPrecisionMonitor : ITrackSink, IDisposable
{
    private readonly string _deviceId;
    private readonly string _cameraId;
    private readonly TimeSpan _window;
    private readonly PrecisionReportWriter _reports;
    private readonly GroundTruthFeedScorer? _feed;
    private readonly ITrackSink _inner;
    private readonly PerTrack<CalibratedVote> _votes;
    private readonly int _stragglerFrames;
    private PrecisionWindow? _open;
    private PrecisionWindow? _closing;
    private DateTimeOffset _closingAt;
    private int _closingFramesLeft;
    private DateTimeOffset _lastSceneTime;
    private bool _disposed;

    public CameraPrecisionMonitor(string deviceId, string cameraId, TimeSpan window, TrackerOptions tracking, PrecisionReportWriter reports,
        GroundTruthFeedScorer? feed, ITrackSink inner)
    {
        (_deviceId, _cameraId, _window, _reports, _feed, _inner) = (deviceId, cameraId, window, reports, feed, inner);
        _votes = new PerTrack<CalibratedVote>(tracking.MaxMissedFrames);
        _stragglerFrames = tracking.MaxMissedFrames + 2;
    }

    /// <summary>A track's calibrated probabilities summed per label, in the order of the model that classified it.</summary>
    private sealed class CalibratedVote
    {
        public IReadOnlyList<string>? Labels;
        public double[]? Sum;
        public int Observations;
    }

    public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds)
    {
        _votes.NextFrame();
        var time = frame.SceneTime;
        _lastSceneTime = time;
        if (_closing is { } closing && --_closingFramesLeft <= 0)
        {
            Write(closing, _closingAt);
            _closing = null;
        }
        if (frame.Model is { } model)
        {
            var window = WindowFor(model, time);
            if (frame.Truth is not null) window.SawTruth();
            double temperature = model.Package.Manifest.Monitoring?.Temperature ?? 1;
            double frameArea = (double)frame.FrameSize.Width * frame.FrameSize.Height;
            for (int i = 0; i < frame.Boxes.Count; i++)
            {
                var (brightness, contrast) = CropLuma.Of(frame.Crops[i]);
                var box = frame.Boxes[i];
                window.AddCrop(brightness, contrast, frameArea > 0 ? Math.Min(1, (double)box.Width * box.Height / frameArea) : null);
                var vote = _votes.Seen(trackIds[i]);
                if (!ReferenceEquals(vote.Labels, model.Labels))
                {
                    vote.Labels = model.Labels;
                    vote.Sum = new double[model.Labels.Count];
                    vote.Observations = 0;
                }
                var calibrated = TemperatureScaling.Calibrate(frame.Probabilities[i], temperature);
                for (int p = 0; p < calibrated.Length && p < vote.Sum!.Length; p++) vote.Sum[p] += calibrated[p];
                vote.Observations++;
            }
        }
        _feed?.Advance(_cameraId, time);
        _inner.Observe(frame, trackIds);
    }

    public async ValueTask CompleteAsync(TrackedVehicle vehicle)
    {
        var track = vehicle.Track;
        var vote = _votes.Take(track.TrackId);
        if (track.Label is { } label && label != CompletedTrack.UnknownLabel)
        {
            var model = vehicle.Model;
            var time = _lastSceneTime == default ? track.LastSeen : _lastSceneTime;
            var window = _closing is { } closing && closing.IsFor(model.Name, model.Version) ? closing
                : _open is { } open && !open.IsFor(model.Name, model.Version) && time < open.End ? null
                : WindowFor(model, time);
            // A vehicle of a version swapped out longer ago than any track can go unseen cannot happen; should it,
            // it is left out of the figures rather than reopening a window of a version no longer serving.
            window?.AddEvent(label, CalibratedConfidence(vote, model, track), vehicle.TruthLabel);
            _feed?.Record(_cameraId, new FeedEvent(track.FirstSeen, track.LastSeen, label, model.Name, model.Version));
        }
        await _inner.CompleteAsync(vehicle);
    }

    /// <summary>Writes the window still open (the camera stopped).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_closing is { } closing) Write(closing, _closingAt);
        _closing = null;
        if (_open is { } open) Write(open, _lastSceneTime == default ? open.End : _lastSceneTime);
        _open = null;
        _votes.Clear();
    }

    /// <summary>The calibrated probability of the voted label: its mean over the track's frames; from the vote's top-k when the track's frames were not seen.</summary>
    private static double CalibratedConfidence(CalibratedVote? vote, LoadedModel model, CompletedTrack track)
    {
        if (vote is { Labels: { } labels, Sum: { } sum, Observations: > 0 } && labels.ToList().IndexOf(track.Label!) is var index and >= 0)
            return sum[index] / vote.Observations;
        double temperature = model.Package.Manifest.Monitoring?.Temperature ?? 1;
        var top = track.TopK.Select(p => (float)p.Probability).ToArray();
        if (top.Length == 0) return track.Confidence;
        var calibrated = TemperatureScaling.Calibrate(top, temperature);
        int winner = track.TopK.ToList().FindIndex(p => p.Label == track.Label);
        return winner >= 0 ? calibrated[winner] * top.Sum() : track.Confidence;
    }

    /// <summary>The open window for <paramref name="model"/> at <paramref name="time"/>, closing the previous one when time passed its end or the model changed.</summary>
    private PrecisionWindow WindowFor(LoadedModel model, DateTimeOffset time)
    {
        if (_open is { } open)
        {
            if (time >= open.End)
            {
                Write(open, open.End);
                _open = null;
            }
            else if (!open.IsFor(model.Name, model.Version))
            {
                // A swap closes the old version's window now (written once its stragglers are in); the new version's
                // starts here and ends on the grid.
                if (_closing is { } earlier) Write(earlier, _closingAt);
                (_closing, _closingAt, _closingFramesLeft) = (open, time, _stragglerFrames);
                return _open = new PrecisionWindow(_cameraId, model.Name, model.Version, model.Package.Manifest.Monitoring, time, open.End);
            }
            else
            {
                return open;
            }
        }
        var start = AlignedStart(time, _window);
        return _open = new PrecisionWindow(_cameraId, model.Name, model.Version, model.Package.Manifest.Monitoring, start, start + _window);
    }

    internal static DateTimeOffset AlignedStart(DateTimeOffset time, TimeSpan window)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long aligned = ticks - ((ticks % window.Ticks) + window.Ticks) % window.Ticks;
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + aligned, TimeSpan.Zero);
    }

    private void Write(PrecisionWindow window, DateTimeOffset closedAt)
    {
        // The tracking stage must not wait on the store: a full queue drops the report (counted and logged there).
        foreach (var report in window.Close(_deviceId, closedAt))
            _reports.TryWrite(report);
    }
}
