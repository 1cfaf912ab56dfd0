using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// A video file with a <c>.truth.jsonl</c> sidecar beside it (as <see cref="SyntheticVideoWriter"/> writes): each
/// grabbed frame carries the sidecar's <see cref="FrameTruth"/> for it, so a recorded video is scored like the
/// synthetic camera it came from. Truth goes by frame order, which is also the order the sidecar was written in.
/// </summary>
internal sealed class SidecarTruthFrameSource(IFrameSource video, string cameraId, string sidecarPath) : IFrameSource
{
    private IEnumerator<FrameTruth>? _truth;
    private long _grabbed;

    public bool IsLive => video.IsLive;

    public void Open(CancellationToken cancellationToken)
    {
        video.Open(cancellationToken);
        CloseTruth();
        _truth = GroundTruthReader.Read(sidecarPath).GetEnumerator();
        _grabbed = 0;
    }

    public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
    {
        if (!video.Grab(out var info, cancellationToken))
        {
            frame = default;
            return false;
        }
        frame = info with { Truth = NextTruth() };
        return true;
    }

    public void Retrieve(Mat destination) => video.Retrieve(destination);

    public void Dispose()
    {
        CloseTruth();
        video.Dispose();
    }

    /// <summary>The truth of the frame just grabbed; null once the sidecar has no more lines (it then scores nothing).</summary>
    private FrameTruth? NextTruth()
    {
        var truth = _truth ?? throw new InvalidOperationException("Open the source before reading from it.");
        long index = _grabbed++;
        try
        {
            if (!truth.MoveNext()) return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Half-read truth would score the camera wrongly, so a broken sidecar stops the camera like a broken video.
            throw new CameraSourceException(cameraId, sidecarPath, CameraSourceError.Corrupt, $"its ground-truth sidecar cannot be read: {ex.Message}", ex);
        }
        var current = truth.Current;
        if (current.FrameIndex != index)
            throw new CameraSourceException(cameraId, sidecarPath, CameraSourceError.Corrupt,
                $"its ground-truth sidecar is out of step with the video: line for frame {current.FrameIndex} where frame {index} was expected.");
        return current;
    }

    private void CloseTruth()
    {
        _truth?.Dispose();
        _truth = null;
    }
}

/// <summary>Adds the ground truth of a sidecar file to the video files that have one; every other source is left as it is.</summary>
internal sealed class SidecarTruthFrameSourceFactory(IFrameSourceFactory inner) : IFrameSourceFactory
{
    public IFrameSource Create(CameraOptions camera)
    {
        var source = inner.Create(camera);
        return GroundTruthSidecarLocator.Find(camera) is { } sidecar
            ? new SidecarTruthFrameSource(source, camera.Id, sidecar)
            : source;
    }
}

/// <summary>Finds the ground-truth sidecar of a camera whose source is a video file.</summary>
internal static class GroundTruthSidecarLocator
{
    /// <summary>The sidecar path when the camera reads a local video file that has one beside it; otherwise null.</summary>
    public static string? Find(CameraOptions camera)
    {
        if (SyntheticSourceUri.IsSynthetic(camera.Source)) return null;
        SourceAddress address;
        try
        {
            address = SourceAddress.Parse(camera.Id, camera.Source, []);
        }
        catch (CameraSourceException)
        {
            return null; // the capture reports the bad source itself
        }
        if (address.Kind != SourceKind.File) return null;
        var sidecar = GroundTruthSidecar.PathFor(address.Location);
        return File.Exists(sidecar) ? sidecar : null;
    }
}
