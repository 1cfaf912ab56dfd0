using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Detection;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Vision;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// One camera: capture on its own thread into a bounded frame queue (oldest dropped and counted when the rest of
/// the pipeline falls behind), region proposals, the shared classification batcher, then the IoU tracker whose
/// per-vehicle vote emits one <see cref="VehicleEvent"/> when the vehicle leaves. Sources that carry ground truth
/// (synthetic cameras, video files with a truth sidecar) are scored against it.
/// </summary>
public sealed class CameraPipeline : IAsyncDisposable
{
    /// <summary>Smallest share of a vehicle that must be visible for it to be proposed.</summary>
    private const double MinimumVisible = 0.35;
    private const int MinimumSide = 12;

    private readonly CameraOptions _spec;
    private readonly CameraCapture _capture;
    private readonly ClassificationBatcher _batcher;
    private readonly CameraMetrics _metrics;
    private readonly TruthScorer _truth;
    private readonly TelemetryQueue _telemetry;
    private readonly string _deviceId;
    private readonly IReadOnlyList<string> _labels;
    private readonly string _modelName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<long, TrackEvidence> _evidence = [];
    private readonly SampleOptions _samples;
    private readonly Random _sampling;
    private readonly IouTracker _tracker;
    private readonly BackgroundSubtractionProposer? _proposer;
    private readonly TrackingClock _clock;
    private string _modelVersion = "unknown";
    private Task _proposals = Task.CompletedTask, _tracking = Task.CompletedTask;

    /// <summary>What the pipeline keeps per tracked vehicle beside the tracker's vote: truth sightings and the hardest crop.</summary>
    private sealed class TrackEvidence
    {
        public Dictionary<int, (int Count, string Label)> Truth { get; } = [];
        public double LowestConfidence { get; set; } = double.MaxValue;
        public byte[]? HardestCropJpeg { get; set; }

        /// <summary>Summed probabilities over every label (the tracker keeps only the top k), for review samples.</summary>
        public double[]? ProbabilitySum { get; set; }
        public int Observations { get; set; }
    }

    public CameraPipeline(CameraOptions spec, CameraCapture capture, ClassificationBatcher batcher, CameraMetrics metrics,
        TruthScorer truth, TelemetryQueue telemetry, SampleOptions samples, TrackerOptions tracking, BackgroundSubtractionOptions proposals,
        string deviceId, string modelName, TimeProvider time, ILogger logger)
    {
        var line = spec.CountingLine is { } l ? new CountingLine(new Point2d(l.From.X, l.From.Y), new Point2d(l.To.X, l.To.Y)) : null;
        _tracker = new IouTracker(spec.Id, tracking, line);
        var regionOfInterest = spec.RegionOfInterest.Count > 0 ? spec.RegionOfInterest.Select(p => p.ToPoint()).ToList() : null;
        _proposer = spec.Proposals == ProposalSource.Motion ? new BackgroundSubtractionProposer(proposals, regionOfInterest) : null;
        _clock = TrackingClock.For(spec);
        _samples = samples;
        // Seeded per camera so a rerun samples the same vehicles (string.GetHashCode is randomised per process).
        _sampling = new Random(spec.Id.Aggregate(0x5eed, (hash, c) => unchecked(hash * 31 + c)));
        (_spec, _capture, _batcher, _metrics, _truth, _telemetry, _deviceId, _modelName, _time, _logger) =
            (spec, capture, batcher, metrics, truth, telemetry, deviceId, modelName, time, logger);
        metrics.CaptureStatistics = () => capture.Statistics;
        _labels = metrics.Labels;
        Results = Channel.CreateBounded<FrameCrops>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Classified frames of this camera, written by the batcher.</summary>
    public Channel<FrameCrops> Results { get; }

    public CameraMetrics Metrics => _metrics;

    /// <summary>Completes when the source has ended, failed, or capture was stopped.</summary>
    public Task CaptureCompleted => _capture.Completion;

    public void Start(CancellationToken stopping)
    {
        _capture.Start(stopping);
        // Proposals and tracking are not cancelled by stopping: once capture stops their input is finite, and
        // everything already captured must reach the store.
        _proposals = Task.Run(ProposeAsync, CancellationToken.None);
        _tracking = Task.Run(TrackAsync, CancellationToken.None);
    }

    private async Task ProposeAsync()
    {
        try
        {
            await foreach (var frame in _capture.Frames.ReadAllAsync(CancellationToken.None))
            {
                using (frame)
                    await ProposeAsync(frame);
            }
        }
        catch (CameraSourceException ex)
        {
            _metrics.LastError = ex.Message;
            _logger.LogError("Camera {Camera}: {Error}", _spec.Id, ex.Message);
        }
    }

    private async Task ProposeAsync(CameraFrame frame)
    {
        long t = Stopwatch.GetTimestamp();
        _metrics.RecordLatency(Stages.Decode, _time.GetUtcNow() - frame.Timestamp);
        var image = frame.Image;
        var truth = frame.Truth as FrameTruth;
        var boxes = new List<Rect>();
        var crops = new List<Mat>();
        if (_proposer is not null)
            _proposer.Propose(image, boxes);
        else if (truth is not null)
            TruthBoxes(truth, image.Size(), boxes);
        foreach (var box in boxes)
        {
            using var region = new Mat(image, CropGeometry.SquareAround(box, image.Size()));
            crops.Add(region.Clone());
        }
        // While the background model warms up nothing is proposed by design; vehicles seen only then are
        // not ones the agent could have counted.
        if (truth is not null && _proposer is not { IsWarmingUp: true })
            _truth.ObserveFrame(truth.Objects.Select(o => new TruthSighting(_spec.Id, o.TrackId, o.Label, o.Visible)));
        _metrics.RecordLatency(Stages.Proposals, Stopwatch.GetElapsedTime(t));
        await _batcher.Input.WriteAsync(new FrameCrops(_spec.Id, frame.Index, frame.Timestamp,
            _clock.TimeOf(frame.Timestamp, frame.Position), boxes, crops, truth));
    }

    /// <summary>Ground-truth proposals: the visible vehicles' boxes, to measure the classifier without detection errors.</summary>
    private static void TruthBoxes(FrameTruth truth, Size frame, List<Rect> boxes)
    {
        var frameRect = new Rect(0, 0, frame.Width, frame.Height);
        foreach (var o in truth.Objects)
        {
            var box = o.Box & frameRect;
            if (o.Visible >= MinimumVisible && box.Width >= MinimumSide && box.Height >= MinimumSide) boxes.Add(box);
        }
    }

    private async Task TrackAsync()
    {
        var observations = new List<TrackObservation>();
        var trackIds = new List<long>();
        var completed = new List<CompletedTrack>();
        await foreach (var frame in Results.Reader.ReadAllAsync(CancellationToken.None))
        {
            using (frame)
            {
                long t = Stopwatch.GetTimestamp();
                var truth = frame.Truth as FrameTruth;
                _modelVersion = frame.ModelVersion ?? _modelVersion;
                observations.Clear();
                for (int i = 0; i < frame.Boxes.Count; i++)
                    observations.Add(new TrackObservation(frame.Boxes[i], _labels, frame.Probabilities[i]));
                completed.Clear();
                _tracker.Update(frame.SceneTime, observations, trackIds, completed);
                for (int i = 0; i < frame.Boxes.Count; i++)
                    Remember(trackIds[i], truth, frame.Boxes[i], frame.Probabilities[i], frame.Crops[i]);
                _metrics.FrameProcessed();
                _metrics.RecordLatency(Stages.Classify, frame.ClassifyLatency);
                foreach (var track in completed) await CompleteAsync(track);
                _metrics.RecordLatency(Stages.Track, Stopwatch.GetElapsedTime(t));
                _metrics.RecordLatency(Stages.EndToEnd, _time.GetUtcNow() - frame.Timestamp);
            }
        }
        completed.Clear();
        _tracker.Complete(completed);
        foreach (var track in completed) await CompleteAsync(track);
    }

    private void Remember(long trackId, FrameTruth? truth, Rect box, float[] probabilities, Mat crop)
    {
        if (!_evidence.TryGetValue(trackId, out var evidence)) _evidence[trackId] = evidence = new TrackEvidence();
        if (truth is not null && MatchTruth(truth, box) is { } o)
            evidence.Truth[o.TrackId] = (evidence.Truth.GetValueOrDefault(o.TrackId).Count + 1, o.Label);
        evidence.ProbabilitySum ??= new double[probabilities.Length];
        for (int i = 0; i < probabilities.Length; i++) evidence.ProbabilitySum[i] += probabilities[i];
        evidence.Observations++;
        double confidence = probabilities.Max();
        if (confidence < evidence.LowestConfidence)
        {
            evidence.LowestConfidence = confidence;
            evidence.HardestCropJpeg = crop.ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, _samples.JpegQuality]);
        }
    }

    /// <summary>The truth vehicle a box shows: the one it overlaps most, if that overlap is a real match (IoU 0.3+).</summary>
    private static TruthObject? MatchTruth(FrameTruth truth, Rect box)
    {
        TruthObject? best = null;
        double bestIou = 0.3;
        foreach (var o in truth.Objects)
        {
            var overlap = o.Box & box;
            double inter = (double)overlap.Width * overlap.Height;
            double iou = inter / ((double)o.Box.Width * o.Box.Height + (double)box.Width * box.Height - inter);
            if (iou >= bestIou) (best, bestIou) = (o, iou);
        }
        return best;
    }

    private async Task CompleteAsync(CompletedTrack track)
    {
        _evidence.Remove(track.TrackId, out var evidence);
        // The truth vehicle this track followed most often, if any.
        var truth = evidence?.Truth.OrderByDescending(t => t.Value.Count).Select(t => ((int, string)?)(t.Key, t.Value.Label)).FirstOrDefault();
        var vehicleEvent = VehicleEventFactory.Create(_deviceId, track, _modelName, _modelVersion, truth?.Item2);
        _metrics.Vehicle(vehicleEvent.Label);
        _truth.RecordEvent(_spec.Id, vehicleEvent.Label, truth?.Item1, truth?.Item2);
        await _telemetry.WriteAsync(vehicleEvent);

        var reason = vehicleEvent.Confidence < _samples.LowConfidenceThreshold ? SampleReasons.LowConfidence
            : _sampling.NextDouble() < _samples.RandomShare ? SampleReasons.Random
            : null;
        if (reason is not null && evidence is { HardestCropJpeg: { } jpeg, ProbabilitySum: { } sum })
        {
            var sample = new ReviewSampleInfo(_deviceId, _spec.Id, $"{_spec.Id}-{track.TrackId}-{track.FirstSeen.ToUnixTimeMilliseconds()}",
                track.TrackId, track.LastSeen, _modelName, _modelVersion, vehicleEvent.Label, vehicleEvent.Confidence,
                _labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => Math.Round(sum[p.i] / evidence.Observations, 4)),
                reason, truth?.Item2);
            await _telemetry.WriteAsync(sample, jpeg);
            _metrics.Sampled();
        }
    }

    /// <summary>Stops capture first, then lets proposals drain what was already captured.</summary>
    public async Task StopCaptureAsync()
    {
        await _capture.StopAsync();
        await _proposals;
    }

    /// <summary>Waits for the tracking stage once the batcher has completed this camera's results.</summary>
    public Task DrainedAsync() => _tracking;

    public async ValueTask DisposeAsync()
    {
        await _capture.DisposeAsync();
        _proposer?.Dispose();
    }
}
