using System.Text.Json;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Detection;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Inference.Runtime;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// Owns the cameras, the shared classifier and the order of shutdown: stop decoding first, let everything already
/// accepted drain through classification and tracking into the store, then print the run summary.
/// An <see cref="IHostedService"/> rather than a BackgroundService: a BackgroundService whose host stops early may
/// never run its loop, and then nothing drains.
/// </summary>
public sealed class EdgePipelineService(
    IOptions<AgentOptions> agentOptions,
    IOptions<CameraList> cameraOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<ClassifierRuntimeOptions> runtimeOptions,
    IOptions<SampleOptions> sampleOptions,
    IOptions<Tracking.TrackerOptions> trackerOptions,
    IOptions<Detection.BackgroundSubtractionOptions> proposalOptions,
    IOptions<FrameSourceFactoryOptions> frameSourceOptions,
    ActiveModel model,
    TelemetryQueue telemetry,
    CameraMetricsRegistry cameraMetrics,
    Sync.SyncProgress sync,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService
{
    private readonly ILogger _logger = loggers.CreateLogger<EdgePipelineService>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<CameraPipeline> _pipelines = [];
    private readonly List<CameraMetrics> _metrics = [];
    private ClassifierSession? _session;
    private ClassificationBatcher? _batcher;
    private Task _batching = Task.CompletedTask;
    private Task _status = Task.CompletedTask;
    private Task _stats = Task.CompletedTask;
    private readonly List<CameraStatsRecorder> _recorders = [];
    private TruthScorer? _truth;
    private long _startedAt;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var agent = agentOptions.Value;
        agent.Validate();
        var batching = batchingOptions.Value;
        batching.Validate();
        var cameras = cameraOptions.Value.Cameras;
        sampleOptions.Value.Validate();

        var runtime = runtimeOptions.Value;
        runtime.MaxBatchSize = batching.MaxBatchSize;
        _session = model.CreateSession(runtime);
        var labels = _session.Signature.Labels;
        _truth = new TruthScorer(labels);
        var byCamera = new Dictionary<string, CameraPipeline>(StringComparer.Ordinal);
        var sources = new FrameSourceFactory(frameSourceOptions.Value, loggers);
        sources.Register(SyntheticSourceUri.Scheme, camera => new SyntheticFrameSource(SyntheticSourceUri.Parse(camera.Source)));
        var withTruth = new SidecarTruthFrameSourceFactory(sources);
        _batcher = new ClassificationBatcher(batching, frame => byCamera[frame.CameraId].Results.Writer);

        foreach (var camera in cameras)
        {
            var metrics = new CameraMetrics(camera.Id, labels);
            _metrics.Add(metrics);
            cameraMetrics.Add(metrics);
            try
            {
                CameraOptionsValidator.ThrowIfInvalid(camera);
                if (camera.Proposals == ProposalSource.GroundTruth && !SyntheticSourceUri.IsSynthetic(camera.Source)
                    && GroundTruthSidecarLocator.Find(camera) is null)
                    throw new InvalidOperationException(
                        "Proposals=GroundTruth needs a source that carries ground truth (synthetic://, or a video file with a .truth.jsonl sidecar beside it).");
                if (SyntheticSourceUri.IsSynthetic(camera.Source)) SyntheticSourceUri.Parse(camera.Source);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or OptionsValidationException or ArgumentException)
            {
                metrics.LastError = ex.Message;
                _logger.LogError("Camera {Camera}: {Error}", camera.Id, ex.Message);
                continue;
            }
            var capture = new CameraCapture(camera, withTruth, time, loggers.CreateLogger<CameraCapture>());
            var pipeline = new CameraPipeline(camera, capture, _batcher, metrics, _truth, telemetry, sampleOptions.Value, trackerOptions.Value, proposalOptions.Value, agent.DeviceId,
                model.Name, time, loggers.CreateLogger($"EdgeMlops.EdgeAgent.Camera.{camera.Id}"));
            byCamera[camera.Id] = pipeline;
            _pipelines.Add(pipeline);
        }

        _startedAt = time.GetTimestamp();
        _batching = Task.Run(() => _batcher.RunAsync(_session, model.Version, CancellationToken.None), CancellationToken.None);
        foreach (var pipeline in _pipelines) pipeline.Start(_stopping.Token);
        _status = Task.Run(() => ReportStatusAsync(agent.StatusInterval, _stopping.Token), CancellationToken.None);
        _recorders.AddRange(_metrics.Select(m => new CameraStatsRecorder(agent.DeviceId, m, time.GetUtcNow())));
        _stats = Task.Run(() => RecordStatsAsync(agent.StatsInterval, _stopping.Token), CancellationToken.None);
        _ = StopWhenDoneAsync(agent.Duration);
        _logger.LogInformation("Edge agent {Device} running {Cameras} camera(s) on model {Model} {Version}",
            agent.DeviceId, _pipelines.Count, model.Name, model.Version);
        await Task.CompletedTask;
    }

    /// <summary>Stops the host when the run's duration is up, or when every source has ended.</summary>
    private async Task StopWhenDoneAsync(TimeSpan? duration)
    {
        // A camera that failed has ended too; its error is in its metrics.
        var allEnded = Task.WhenAll(_pipelines.Select(p => p.CaptureCompleted.ContinueWith(_ => { }, TaskScheduler.Default)));
        var limit = duration is { } d ? Task.Delay(d, time, _stopping.Token) : Task.Delay(Timeout.Infinite, _stopping.Token);
        try
        {
            await Task.WhenAny(allEnded, limit);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!_stopping.IsCancellationRequested) lifetime.StopApplication();
    }

    private async Task ReportStatusAsync(TimeSpan interval, CancellationToken token)
    {
        var previous = new Dictionary<string, long>();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                _logger.LogInformation("{Status}", StatusLine.Format(_metrics, previous, interval, $"outbox queue {telemetry.Depth}, {sync.Snapshot().StatusText()}"));
                foreach (var m in _metrics) previous[m.CameraId] = m.Frames;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RecordStatsAsync(TimeSpan interval, CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
                await WriteStatsAsync(token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteStatsAsync(CancellationToken token)
    {
        var now = time.GetUtcNow();
        foreach (var recorder in _recorders)
            await telemetry.WriteAsync(recorder.Next(now), token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        // Order matters: sources first, then the shared classifier, then each camera's tracking, so every frame
        // that was accepted reaches the store.
        foreach (var pipeline in _pipelines) await pipeline.StopCaptureAsync();
        _batcher?.Input.TryComplete();
        await _batching;
        foreach (var pipeline in _pipelines) pipeline.Results.Writer.TryComplete();
        foreach (var pipeline in _pipelines) await pipeline.DrainedAsync();
        await _status;
        await _stats;
        await WriteStatsAsync(CancellationToken.None); // the last, partial interval

        var summary = RunSummary.From(_metrics, time.GetElapsedTime(_startedAt), $"{model.Name} {model.Version}",
            _pipelines.Count > 0 ? _truth : null);
        Console.Out.WriteLine(JsonSerializer.Serialize(summary, ReportingJsonContext.Default.RunSummary));
        await Console.Out.FlushAsync(cancellationToken);

        foreach (var pipeline in _pipelines) await pipeline.DisposeAsync();
        _session?.Dispose();
    }
}

/// <summary>The <c>Cameras</c> section: a list, with one synthetic camera when none is configured.</summary>
public sealed class CameraList
{
    public List<CameraOptions> Cameras { get; set; } = [];

    public static CameraOptions DefaultCamera() => new() { Id = "cam1", Source = "synthetic://highway?seed=1&condition=day" };
}
