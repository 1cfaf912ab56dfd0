using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Inference;

/// <summary>
/// The crops of one frame on their way through the classifier. The tracker needs a frame's detections together,
/// so a frame travels as one unit and is handed on only when every crop in it has its probabilities.
/// </summary>
public sealed class FrameCrops : IDisposable
{
    /// <param name="timestamp">When the frame was captured; latencies are measured from it.</param>
    /// <param name="sceneTime">When the frame was taken on the timeline the tracker follows (see <c>TrackingClock</c>).</param>
    /// <param name="results">Where the batcher hands the frame once classified: its camera's tracking stage.</param>
    public FrameCrops(string cameraId, long frameIndex, DateTimeOffset timestamp, DateTimeOffset sceneTime, IReadOnlyList<Rect> boxes,
        IReadOnlyList<Mat> crops, FrameTruth? truth, ChannelWriter<FrameCrops> results)
    {
        if (boxes.Count != crops.Count) throw new ArgumentException("One crop per box is needed.", nameof(crops));
        CameraId = cameraId;
        FrameIndex = frameIndex;
        Timestamp = timestamp;
        SceneTime = sceneTime;
        Boxes = boxes;
        Crops = crops;
        Truth = truth;
        Results = results;
        Probabilities = new float[crops.Count][];
    }

    public string CameraId { get; }
    public long FrameIndex { get; }
    public DateTimeOffset Timestamp { get; }
    public DateTimeOffset SceneTime { get; }
    public IReadOnlyList<Rect> Boxes { get; }

    /// <summary>Size of the whole frame the boxes are in (box areas are read as a share of it); empty when unknown.</summary>
    public Size FrameSize { get; init; }

    /// <summary>Owned by this object and released once classified.</summary>
    public IReadOnlyList<Mat> Crops { get; }

    /// <summary>Ground truth of the frame from sources that carry it (synthetic cameras, videos with a truth sidecar); null otherwise.</summary>
    public FrameTruth? Truth { get; }

    public ChannelWriter<FrameCrops> Results { get; }

    /// <summary>Probabilities per crop, in the order of <see cref="Model"/>'s labels; filled by the batcher.</summary>
    public float[][] Probabilities { get; }

    /// <summary>The model that classified the frame: every crop of a frame is classified by the same one. Set by the batcher.</summary>
    public LoadedModel? Model { get; internal set; }

    /// <summary>From entering the batcher's queue to having every crop classified.</summary>
    public TimeSpan ClassifyLatency { get; internal set; }

    internal int Classified { get; set; }
    internal long EnqueuedTimestamp { get; set; }

    public void ReleaseCrops()
    {
        foreach (var crop in Crops) crop.Dispose();
    }

    public void Dispose() => ReleaseCrops();
}
