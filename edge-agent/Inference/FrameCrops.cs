using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Inference;

/// <summary>
/// The crops of one frame on their way through the classifier. The tracker needs a frame's detections together,
/// so a frame travels as one unit and is handed on only when every crop in it has its probabilities.
/// </summary>
public sealed class FrameCrops : IDisposable
{
    public FrameCrops(string cameraId, long frameIndex, DateTimeOffset timestamp, IReadOnlyList<Rect> boxes, IReadOnlyList<Mat> crops, object? truth)
    {
        if (boxes.Count != crops.Count) throw new ArgumentException("One crop per box is needed.", nameof(crops));
        CameraId = cameraId;
        FrameIndex = frameIndex;
        Timestamp = timestamp;
        Boxes = boxes;
        Crops = crops;
        Truth = truth;
        Probabilities = new float[crops.Count][];
    }

    public string CameraId { get; }
    public long FrameIndex { get; }
    public DateTimeOffset Timestamp { get; }
    public IReadOnlyList<Rect> Boxes { get; }

    /// <summary>Owned by this object and released once classified.</summary>
    public IReadOnlyList<Mat> Crops { get; }

    /// <summary>Ground truth carried along from sources that have it (the synthetic camera).</summary>
    public object? Truth { get; }

    /// <summary>Probabilities per crop, in the model's label order; filled by the batcher.</summary>
    public float[][] Probabilities { get; }

    public string? ModelVersion { get; set; }

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
