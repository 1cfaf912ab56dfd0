using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// One decoded frame of one camera. Frames are pooled: whoever takes a frame from the capture's queue must dispose
/// it once done (crops must be copied out first), which hands its image buffer back for a later frame.
/// </summary>
public sealed class CameraFrame : IDisposable
{
    private readonly FramePool _pool;
    private int _rented;

    internal CameraFrame(FramePool pool) => _pool = pool;

    public string CameraId { get; private set; } = "";

    /// <summary>Position of the frame among all frames the camera's source produced, skipped ones included; increases across reconnects.</summary>
    public long Index { get; private set; }

    /// <summary>When the frame was captured, by the capture's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; private set; }

    /// <summary>Presentation time within the stream, as the source reported it.</summary>
    public TimeSpan Position { get; private set; }

    /// <summary>Ground truth from sources that have it; null otherwise.</summary>
    public FrameTruth? Truth { get; private set; }

    /// <summary>The BGR image; reused for later frames after <see cref="Dispose"/>.</summary>
    public Mat Image { get; } = new();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
            _pool.Return(this);
    }

    internal void MarkRented() => Volatile.Write(ref _rented, 1);

    internal void Describe(string cameraId, long index, DateTimeOffset timestamp, SourceFrameInfo source)
    {
        CameraId = cameraId;
        Index = index;
        Timestamp = timestamp;
        Position = source.Position;
        Truth = source.Truth;
    }

    internal void Release()
    {
        Truth = null;
        Image.Dispose();
    }
}
