using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Telemetry;
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
    /// <summary>A vehicle unseen for this many frames has left: its track completes.</summary>
    private const int TrackLifetimeFrames = 5;
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
    private readonly Dictionary<int, TrackState> _tracks = [];
    private readonly SampleOptions _samples;
    private readonly Random _sampling;

    /// <summary>A vehicle being followed: its vote, when it was last seen, and its least confident crop.</summary>
    private sealed class TrackState(int labels, string truthLabel)
    {
        public TrackVote Vote { get; } = new(labels);
        public string TruthLabel { get; } = truthLabel;
        public long LastFrame { get; set; }
        public double LowestConfidence { get; set; } = double.MaxValue;
        public byte[]? HardestCropJpeg { get; set; }
    }
    private string _modelVersion = "unknown";
    private Task _capture = Task.CompletedTask, _proposals = Task.CompletedTask, _tracking = Task.CompletedTask;

    public SyntheticCameraPipeline(CameraSpec spec, SyntheticSourceUri source, ClassificationBatcher batcher, CameraMetrics metrics,
        TruthScorer truth, TelemetryQueue telemetry, SampleOptions samples, string deviceId, string modelName, TimeProvider time, ILogger logger)
    {
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
                var frameRect = new Rect(0, 0, frame.Width, frame.Height);
                foreach (var o in truth.Objects)
                {
                    var box = o.Box & frameRect;
                    if (o.Visible < MinimumVisible || box.Width < MinimumSide || box.Height < MinimumSide) continue;
                    boxes.Add(box);
                    using var region = new Mat(frame, CropGeometry.SquareAround(box, frame.Size()));
                    crops.Add(region.Clone());
                }
                _truth.ObserveFrame(truth.Objects.Select(o => new TruthSighting(_spec.Id, o.TrackId, o.Label, o.Visible)));
                _metrics.RecordLatency(Stages.Proposals, Stopwatch.GetElapsedTime(t));
                var unit = new FrameCrops(_spec.Id, truth.FrameIndex, _time.GetUtcNow(), boxes, crops, (truth, started));
                await _batcher.Input.WriteAsync(unit);
            }
        }
    }

    private async Task TrackAsync()
    {
        await foreach (var frame in Results.Reader.ReadAllAsync(CancellationToken.None))
        {
            using (frame)
            {
                long t = Stopwatch.GetTimestamp();
                var (truth, started) = ((FrameTruth, long))frame.Truth!;
                for (int i = 0; i < frame.Boxes.Count; i++)
                {
                    var o = MatchTruth(truth, frame.Boxes[i]);
                    if (!_tracks.TryGetValue(o.TrackId, out var track))
                        _tracks[o.TrackId] = track = new TrackState(_labels.Count, o.Label);
                    var probabilities = frame.Probabilities[i];
                    track.Vote.Add(probabilities, frame.Boxes[i], frame.Timestamp);
                    track.LastFrame = frame.FrameIndex;
                    double confidence = probabilities.Max();
                    if (confidence < track.LowestConfidence)
                    {
                        track.LowestConfidence = confidence;
                        track.HardestCropJpeg = frame.Crops[i].ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, _samples.JpegQuality]);
                    }
                    _modelVersion = frame.ModelVersion ?? _modelVersion;
                }
                _metrics.FrameProcessed(frame.Boxes.Count);
                _metrics.RecordLatency(Stages.Classify, frame.ClassifyLatency);
                foreach (var gone in _tracks.Where(p => frame.FrameIndex - p.Value.LastFrame > TrackLifetimeFrames).Select(p => p.Key).ToList())
                    await CompleteAsync(gone);
                _metrics.RecordLatency(Stages.Track, Stopwatch.GetElapsedTime(t));
                _metrics.RecordLatency(Stages.EndToEnd, Stopwatch.GetElapsedTime(started));
            }
        }
        foreach (var remaining in _tracks.Keys.ToList())
            await CompleteAsync(remaining);
    }

    private static TruthObject MatchTruth(FrameTruth truth, Rect box) =>
        truth.Objects.MaxBy(o => (o.Box & box).Width * (o.Box & box).Height)!;

    private async Task CompleteAsync(int trackId)
    {
        var track = _tracks[trackId];
        _tracks.Remove(trackId);
        var vehicleEvent = VehicleEventFactory.Create(_deviceId, _spec.Id, trackId, track.Vote, _labels, _modelName,
            _modelVersion, track.TruthLabel);
        _metrics.Vehicle(track.Vote.Winner().Label);
        _truth.RecordEvent(_spec.Id, vehicleEvent.Label, trackId, track.TruthLabel);
        await _telemetry.WriteAsync(vehicleEvent);

        var reason = vehicleEvent.Confidence < _samples.LowConfidenceThreshold ? SampleReasons.LowConfidence
            : _sampling.NextDouble() < _samples.RandomShare ? SampleReasons.Random
            : null;
        if (reason is not null && track.HardestCropJpeg is { } jpeg)
        {
            var mean = track.Vote.Mean();
            var sample = new ReviewSampleInfo(_deviceId, _spec.Id, $"{_spec.Id}-{trackId}-{vehicleEvent.FirstSeen.ToUnixTimeMilliseconds()}",
                trackId, vehicleEvent.LastSeen, _modelName, _modelVersion, vehicleEvent.Label, vehicleEvent.Confidence,
                _labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => Math.Round(mean[p.i], 4)), reason, track.TruthLabel);
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
        _captureStop.Dispose();
    }
}
