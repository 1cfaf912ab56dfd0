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
/// One synthetic camera: decode on its own thread into a bounded frame queue (oldest dropped and counted when the
/// rest of the pipeline falls behind), proposals, the shared classification batcher, then a per-vehicle vote that
/// emits one <see cref="VehicleEvent"/> when the vehicle leaves.
/// Proposals and track identity come from the scene's ground truth here; motion proposals and the IoU tracker
/// take their place for real cameras.
/// </summary>
public sealed class SyntheticCameraPipeline : IAsyncDisposable
{
    /// <summary>Smallest share of a vehicle that must be visible for it to be proposed.</summary>
    private const double MinimumVisible = 0.35;
    private const int MinimumSide = 12;

    private readonly CameraSpec _spec;
    private readonly SyntheticSourceUri _source;
    private readonly ClassificationBatcher _batcher;
    private readonly CameraMetrics _metrics;
    private readonly TruthScorer _truth;
    private readonly TelemetryQueue _telemetry;
    private readonly string _deviceId;
    private readonly IReadOnlyList<string> _labels;
    private readonly string _modelName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(Mat Frame, FrameTruth Truth, long Started)> _frames;
    private readonly CancellationTokenSource _captureStop = new();
    private readonly Dictionary<long, TrackEvidence> _evidence = [];
    private readonly SampleOptions _samples;
    private readonly Random _sampling;
    private readonly IouTracker _tracker;
    private readonly BackgroundSubtractionProposer? _proposer;

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
    private string _modelVersion = "unknown";
    private Task _capture = Task.CompletedTask, _proposals = Task.CompletedTask, _tracking = Task.CompletedTask;

    public SyntheticCameraPipeline(CameraSpec spec, SyntheticSourceUri source, ClassificationBatcher batcher, CameraMetrics metrics,
        TruthScorer truth, TelemetryQueue telemetry, SampleOptions samples, TrackerOptions tracking, BackgroundSubtractionOptions proposals,
        string deviceId, string modelName, TimeProvider time, ILogger logger)
    {
        _tracker = new IouTracker(spec.Id, tracking);
        _proposer = spec.Proposals == ProposalSource.Motion ? new BackgroundSubtractionProposer(proposals) : null;
        _samples = samples;
        // Seeded per camera so a rerun samples the same vehicles.
        _sampling = new Random(StringComparer.Ordinal.GetHashCode(spec.Id) ^ 0x5eed);
        (_spec, _source, _batcher, _metrics, _truth, _telemetry, _deviceId, _modelName, _time, _logger) =
            (spec, source, batcher, metrics, truth, telemetry, deviceId, modelName, time, logger);
        _labels = metrics.Labels;
        _frames = Channel.CreateBounded<(Mat Frame, FrameTruth Truth, long Started)>(
            new BoundedChannelOptions(spec.FrameQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                _metrics.Dropped(Stages.Decode);
                dropped.Frame.Dispose();
            });
        Results = Channel.CreateBounded<FrameCrops>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Classified frames of this camera, written by the batcher.</summary>
    public Channel<FrameCrops> Results { get; }

    public CameraMetrics Metrics => _metrics;

    /// <summary>Completes when the source has ended (a synthetic source with a duration) or capture was stopped.</summary>
    public Task CaptureCompleted => _capture;

    public void Start(CancellationToken stopping)
    {
        // Decode blocks; a dedicated thread keeps one slow camera from starving the thread pool the others use.
        _capture = Task.Factory.StartNew(() => Capture(CancellationTokenSource.CreateLinkedTokenSource(stopping, _captureStop.Token).Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // Proposals and tracking are not cancelled by stopping: once capture stops their input is finite, and
        // everything already decoded must reach the store.
        _proposals = Task.Run(ProposeAsync, CancellationToken.None);
        _tracking = Task.Run(TrackAsync, CancellationToken.None);
    }

    private void Capture(CancellationToken token)
    {
        var options = _source.Scene with { Fps = _spec.TargetFps > 0 ? Math.Min(_spec.TargetFps, _source.Scene.Fps) : _source.Scene.Fps };
        using var scene = new HighwayScene(options);
        var interval = TimeSpan.FromSeconds(1 / options.Fps);
        long maxFrames = _source.Duration is { } d ? (long)(d.TotalSeconds * options.Fps) : long.MaxValue;
        var clock = Stopwatch.StartNew();
        try
        {
            for (long i = 0; i < maxFrames && !token.IsCancellationRequested; i++)
            {
                // A camera delivers frames in real time; so does this one.
                var due = interval * i;
                if (clock.Elapsed < due) token.WaitHandle.WaitOne(due - clock.Elapsed);
                if (token.IsCancellationRequested) break;
                long started = Stopwatch.GetTimestamp();
                var frame = new Mat();
                var truth = scene.Next(frame);
                _metrics.RecordLatency(Stages.Decode, Stopwatch.GetElapsedTime(started));
                _metrics.FrameDecoded();
                _frames.Writer.TryWrite((frame, truth, started));
            }
        }
        catch (Exception ex)
        {
            _metrics.LastError = ex.Message;
            _logger.LogError(ex, "Camera {Camera}: source {Source} failed", _spec.Id, _spec.Source);
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private async Task ProposeAsync()
    {
        await foreach (var (frame, truth, started) in _frames.Reader.ReadAllAsync(CancellationToken.None))
        {
            using (frame)
            {
                long t = Stopwatch.GetTimestamp();
                var boxes = new List<Rect>();
                var crops = new List<Mat>();
                if (_proposer is not null)
                    _proposer.Propose(frame, boxes);
                else
                    TruthBoxes(truth, frame.Size(), boxes);
                foreach (var box in boxes)
                {
                    using var region = new Mat(frame, CropGeometry.SquareAround(box, frame.Size()));
                    crops.Add(region.Clone());
                }
                // While the background model warms up nothing is proposed by design; vehicles seen only then are
                // not ones the agent could have counted.
                if (_proposer is not { IsWarmingUp: true })
                    _truth.ObserveFrame(truth.Objects.Select(o => new TruthSighting(_spec.Id, o.TrackId, o.Label, o.Visible)));
                _metrics.RecordLatency(Stages.Proposals, Stopwatch.GetElapsedTime(t));
                var unit = new FrameCrops(_spec.Id, truth.FrameIndex, _time.GetUtcNow(), boxes, crops, (truth, started));
                await _batcher.Input.WriteAsync(unit);
            }
        }
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
                var (truth, started) = ((FrameTruth, long))frame.Truth!;
                _modelVersion = frame.ModelVersion ?? _modelVersion;
                observations.Clear();
                for (int i = 0; i < frame.Boxes.Count; i++)
                    observations.Add(new TrackObservation(frame.Boxes[i], _labels, frame.Probabilities[i]));
                completed.Clear();
                _tracker.Update(frame.Timestamp, observations, trackIds, completed);
                for (int i = 0; i < frame.Boxes.Count; i++)
                    Remember(trackIds[i], truth, frame.Boxes[i], frame.Probabilities[i], frame.Crops[i]);
                _metrics.FrameProcessed(frame.Boxes.Count);
                _metrics.RecordLatency(Stages.Classify, frame.ClassifyLatency);
                foreach (var track in completed) await CompleteAsync(track);
                _metrics.RecordLatency(Stages.Track, Stopwatch.GetElapsedTime(t));
                _metrics.RecordLatency(Stages.EndToEnd, Stopwatch.GetElapsedTime(started));
            }
        }
        completed.Clear();
        _tracker.Complete(completed);
        foreach (var track in completed) await CompleteAsync(track);
    }

    private void Remember(long trackId, FrameTruth truth, Rect box, float[] probabilities, Mat crop)
    {
        if (!_evidence.TryGetValue(trackId, out var evidence)) _evidence[trackId] = evidence = new TrackEvidence();
        if (MatchTruth(truth, box) is { } o)
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

    /// <summary>Stops decoding first, then lets proposals and tracking drain what was already accepted.</summary>
    public async Task StopCaptureAsync()
    {
        await _captureStop.CancelAsync();
        await _capture;
        await _proposals;
    }

    /// <summary>Waits for the tracking stage once the batcher has completed this camera's results.</summary>
    public Task DrainedAsync() => _tracking;

    public async ValueTask DisposeAsync()
    {
        await _captureStop.CancelAsync();
        _proposer?.Dispose();
        _captureStop.Dispose();
    }
}
