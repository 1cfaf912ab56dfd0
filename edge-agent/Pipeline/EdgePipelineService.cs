using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Reporting;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// The <see cref="Hosting.AgentStage.Pipeline"/> stage: starts every camera and the shared classifier, stops the
/// host when the run's duration is up or every source has ended, and on stop drains the stages in data-flow order:
/// capture, proposals, the batcher, tracking. A camera that cannot be set up reports its error; the others run.
/// An <see cref="IHostedService"/> rather than a BackgroundService: a BackgroundService whose host stops early may
/// never run its loop, and then nothing drains.
/// </summary>
public sealed class EdgePipelineService(
    IOptions<AgentOptions> agentOptions,
    IOptions<CameraList> cameraOptions,
    CameraPipelineFactory cameras,
    CameraMetricsRegistry cameraMetrics,
    ClassificationBatcher batcher,
    ModelSlot model,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<EdgePipelineService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<CameraPipeline> _pipelines = [];
    private Task _batching = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var agent = agentOptions.Value;
        var configured = cameraOptions.Value.Cameras;
        var labels = model.Current.Labels;
        for (int i = 0; i < configured.Count; i++)
        {
            var camera = configured[i];
            var metrics = cameraMetrics.Cameras[i];
            metrics.KnowLabels(labels);
            try
            {
                _pipelines.Add(cameras.Create(camera, metrics));
            }
            catch (CameraSetupException ex)
            {
                metrics.LastError = ex.Message;
                logger.LogError("Camera {Camera}: {Error}", camera.Id, ex.Message);
            }
        }

        _batching = Task.Run(() => batcher.RunAsync(CancellationToken.None), CancellationToken.None);
        foreach (var pipeline in _pipelines) pipeline.Start(_stopping.Token);
        _ = StopWhenDoneAsync(agent.Duration);
        logger.LogInformation("Edge agent {Device} running {Cameras} camera(s) on model {Model} {Version}",
            agent.DeviceId, _pipelines.Count, model.Current.Name, model.Current.Version);
        return Task.CompletedTask;
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

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        // Upstream first, so every frame that was accepted reaches the store: capture stops, proposals hand on what
        // was captured, the batcher classifies what it was handed, tracking reports every vehicle.
        foreach (var pipeline in _pipelines) await pipeline.StopCaptureAsync();
        foreach (var pipeline in _pipelines) await pipeline.ProposalsDrained;
        batcher.Input.TryComplete();
        await _batching;
        foreach (var pipeline in _pipelines) pipeline.CompleteClassification();
        foreach (var pipeline in _pipelines) await pipeline.TrackingDrained;
        foreach (var pipeline in _pipelines) await pipeline.DisposeAsync();
    }
}

/// <summary>The <c>Cameras</c> section: a list, with one synthetic camera when none is configured.</summary>
public sealed class CameraList
{
    public const string SectionName = "Cameras";

    public List<CameraOptions> Cameras { get; set; } = [];

    public static CameraOptions DefaultCamera() => new() { Id = "cam1", Source = "synthetic://highway?seed=1&condition=day" };
}
