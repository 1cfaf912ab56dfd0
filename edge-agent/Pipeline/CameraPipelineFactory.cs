using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Detection;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>Builds one camera's stages from its options and the agent's shared parts.</summary>
public sealed class CameraPipelineFactory(
    IOptions<AgentOptions> agent,
    IOptions<SampleOptions> samples,
    IOptions<TrackerOptions> tracking,
    IValidateOptions<CameraOptions> cameraValidator,
    IFrameSourceFactory sources,
    IRegionProposerFactory proposers,
    ClassificationBatcher batcher,
    TruthScorer truth,
    PrecisionMonitoring precision,
    TelemetryQueue telemetry,
    SamplingMetrics sampling,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <exception cref="CameraSetupException">The camera's configuration cannot work; the message says why.</exception>
    public CameraPipeline Create(CameraOptions camera, CameraMetrics metrics)
    {
        CheckSetup(camera);
        var trackingOptions = tracking.Value;
        var capture = new CameraCapture(camera, sources, time, loggers.CreateLogger<CameraCapture>());
        metrics.CaptureStatistics = () => capture.Statistics;
        var proposer = proposers.Create(camera);
        var sampler = new ReviewSampler(agent.Value.DeviceId, camera.Id, samples.Value, trackingOptions, telemetry,
            sampling.For(camera.Id), time, loggers.CreateLogger<ReviewSampler>());
        ITrackSink sink = new VehicleReporter(agent.Value.DeviceId, metrics, telemetry, sampler);
        var scoring = precision.ForCamera(camera.Id, sink); // inside the truth sink, so events arrive with their truth label
        sink = scoring;
        if (CarriesGroundTruth(camera)) sink = new GroundTruthTrackSink(camera.Id, truth, trackingOptions, sink);
        var line = camera.CountingLine is { } l ? new CountingLine(new Point2d(l.From.X, l.From.Y), new Point2d(l.To.X, l.To.Y)) : null;
        var trackingStage = new TrackingStage(new IouTracker(camera.Id, trackingOptions, line), sink, metrics, time);
        var proposalStage = new ProposalStage(camera.Id, capture.Frames, proposer, TrackingClock.For(camera), batcher.Input,
            trackingStage.Results, metrics, time, loggers.CreateLogger($"EdgeMlops.EdgeAgent.Camera.{camera.Id}"));
        return new CameraPipeline(capture, proposalStage, trackingStage, metrics, proposer, sampler, scoring);
    }

    private void CheckSetup(CameraOptions camera)
    {
        var validation = cameraValidator.Validate(camera.Id, camera);
        if (validation.Failed)
            throw new CameraSetupException(camera.Id, string.Join("; ", validation.Failures));
        if (camera.Proposals == ProposalSource.GroundTruth && !CarriesGroundTruth(camera))
            throw new CameraSetupException(camera.Id,
                "Proposals=GroundTruth needs a source that carries ground truth (synthetic://, or a video file with a .truth.jsonl sidecar beside it).");
        if (SyntheticSourceUri.IsSynthetic(camera.Source))
        {
            try
            {
                SyntheticSourceUri.Parse(camera.Source);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new CameraSetupException(camera.Id, ex.Message, ex);
            }
        }
    }

    private static bool CarriesGroundTruth(CameraOptions camera) =>
        SyntheticSourceUri.IsSynthetic(camera.Source) || GroundTruthSidecarLocator.Find(camera) is not null;
}
