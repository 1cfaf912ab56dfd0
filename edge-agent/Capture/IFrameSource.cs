using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// One camera's video. Used from one thread. Reading is split in two, as in OpenCV, so that a frame skipped for
/// pacing is never converted to BGR (or, for a synthetic source, rendered).
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>A stream or device: it is reconnected when lost. False for files, which end.</summary>
    bool IsLive { get; }

    /// <summary>
    /// Opens the source, or opens it again from the start after it ended or failed.
    /// </summary>
    /// <exception cref="CameraSourceException">The source cannot be opened; the message names the camera and the input.</exception>
    void Open(CancellationToken cancellationToken);

    /// <summary>Advances to the next frame without converting it. False when the stream has ended.</summary>
    /// <exception cref="CameraSourceException">The stream was lost or the video is corrupt.</exception>
    bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken);

    /// <summary>Writes the frame last grabbed into <paramref name="destination"/> as BGR, reusing its memory when the size fits.</summary>
    /// <exception cref="CameraSourceException">The frame cannot be decoded.</exception>
    void Retrieve(Mat destination);
}
