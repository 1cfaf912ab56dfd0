using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Vision;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>
/// One camera's region proposals: takes its captured frames, proposes the regions worth classifying, copies them out
/// as square crops (the frame goes back to the capture's pool at once) and queues them for the shared classifier.
/// Not cancelled by stopping: once capture stops its input is finite, and everything captured must reach the store.
/// </summary>
public sealed class ProposalStage(
    string cameraId,
    ChannelReader<CameraFrame> frames,
    IRegionProposer proposer,
    TrackingClock clock,
    ChannelWriter<FrameCrops> classifier,
    ChannelWriter<FrameCrops> results,
    CameraMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>
    /// Runs until capture completes. A capture that failed, for whatever reason, is that camera's error: it is
    /// reported in the camera's metrics and log, and the rest of the agent runs on and drains as usual.
    /// </summary>
    public async Task RunAsync()
    {
        try
        {
            await foreach (var frame in frames.ReadAllAsync(CancellationToken.None))
            {
                using (frame)
                    await ProposeAsync(frame);
            }
        }
        catch (Exception ex) when (ex is CameraSourceException || frames.Completion.IsFaulted)
        {
            metrics.LastError = ex.Message;
            logger.LogError("Camera {Camera}: {Error}", cameraId, ex.Message);
        }
    }

    private async Task ProposeAsync(CameraFrame frame)
    {
        long t = Stopwatch.GetTimestamp();
        metrics.RecordLatency(Stages.Decode, time.GetUtcNow() - frame.Timestamp);
        var image = frame.Image;
        var boxes = new List<Rect>();
        var crops = new List<Mat>();
        proposer.Propose(frame, boxes);
        foreach (var box in boxes)
        {
            using var region = new Mat(image, CropGeometry.SquareAround(box, image.Size()));
            crops.Add(region.Clone());
        }
        // While a background model warms up nothing is proposed by design; vehicles seen only then are not ones
        // the agent could have counted, so their truth is not passed on to be scored.
        var truth = proposer.IsWarmingUp ? null : frame.Truth;
        metrics.RecordLatency(Stages.Proposals, Stopwatch.GetElapsedTime(t));
        await classifier.WriteAsync(new FrameCrops(cameraId, frame.Index, frame.Timestamp,
            clock.TimeOf(frame.Timestamp, frame.Position), boxes, crops, truth, results) { FrameSize = image.Size() });
    }
}
