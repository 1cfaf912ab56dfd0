using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Detection;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Tracking;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// One camera's stages: capture on its own thread into a bounded frame queue (oldest dropped and counted when the
/// rest of the pipeline falls behind), region proposals into the shared classification batcher, then tracking,
/// whose sink reports each vehicle once when it leaves. The stages are stopped from upstream to downstream by
/// <see cref="EdgePipelineService"/>, so everything captured reaches the store.
/// </summary>
public sealed class CameraPipeline(
    CameraCapture capture, ProposalStage proposals, TrackingStage tracking, CameraMetrics metrics, params IDisposable[] owned) : IAsyncDisposable
{
    private Task _proposals = Task.CompletedTask, _tracking = Task.CompletedTask;

    public CameraMetrics Metrics => metrics;

    /// <summary>Completes when the source has ended, failed, or capture was stopped.</summary>
    public Task CaptureCompleted => capture.Completion;

    public void Start(CancellationToken stopping)
    {
        capture.Start(stopping);
        _proposals = Task.Run(proposals.RunAsync, CancellationToken.None);
        _tracking = Task.Run(tracking.RunAsync, CancellationToken.None);
    }

    /// <summary>Stops decoding; frames already captured stay queued for proposals.</summary>
    public Task StopCaptureAsync() => capture.StopAsync();

    /// <summary>Completes once proposals have handed every captured frame to the batcher.</summary>
    public Task ProposalsDrained => _proposals;

    /// <summary>Tells tracking that the batcher has handed it every frame of this camera.</summary>
    public void CompleteClassification() => tracking.Results.TryComplete();

    /// <summary>Completes once tracking has reported every vehicle.</summary>
    public Task TrackingDrained => _tracking;

    public async ValueTask DisposeAsync()
    {
        await capture.DisposeAsync();
        foreach (var part in owned) part.Dispose();
    }
}
