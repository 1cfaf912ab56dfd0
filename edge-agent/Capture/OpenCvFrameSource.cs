using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>A file, device or stream read by OpenCV's <see cref="VideoCapture"/>.</summary>
internal sealed class OpenCvFrameSource : IFrameSource
{
    // OpenCV's CAP_PROP_OPEN_TIMEOUT_MSEC and CAP_PROP_READ_TIMEOUT_MSEC, which OpenCvSharp's enum does not name.
    private const int OpenTimeoutProperty = 53;
    private const int ReadTimeoutProperty = 54;

    /// <summary>
    /// Share of a file's declared frame count it may fall short by and still count as complete: containers that
    /// estimate the count from duration and rate are off by a frame or two.
    /// </summary>
    private const double DeclaredLengthTolerance = 0.02;

    private readonly string _cameraId;
    private readonly string _display;
    private readonly string? _filePath;
    private readonly string _notOpenedReason;
    private readonly Func<VideoCapture> _openCapture;
    private VideoCapture? _capture;
    private long _declaredFrames;
    private double _fps;
    private long _grabbed;

    private OpenCvFrameSource(string cameraId, string display, bool isLive, string? filePath, string notOpenedReason, Func<VideoCapture> openCapture)
    {
        _cameraId = cameraId;
        _display = display;
        IsLive = isLive;
        _filePath = filePath;
        _notOpenedReason = notOpenedReason;
        _openCapture = openCapture;
    }

    public bool IsLive { get; }

    public static OpenCvFrameSource ForFile(CameraOptions camera, string path, string display) =>
        new(camera.Id, display, isLive: false, path,
            "it cannot be opened as a video: it is not a video, is corrupt or truncated, or uses a format this build cannot read.",
            () => new VideoCapture(path, VideoCaptureAPIs.FFMPEG, TimeoutParameters(camera)));

    public static OpenCvFrameSource ForStream(CameraOptions camera, string url, string display) =>
        new(camera.Id, display, isLive: true, filePath: null,
            $"the stream could not be opened within {camera.OpenTimeout.TotalSeconds:0.#} s: the server is unreachable or refused it, " +
            "or this OpenCV build has no network support (set FrameSources:StreamDecoder to FfmpegProcess).",
            () => new VideoCapture(url, VideoCaptureAPIs.FFMPEG, TimeoutParameters(camera)));

    public static OpenCvFrameSource ForDevice(CameraOptions camera, int index, string display) =>
        new(camera.Id, display, isLive: true, filePath: display,
            "the video device cannot be opened: it is busy, not a capture device, or not accessible to this user.",
            // V4L2 rejects open parameters it does not use, and the timeouts are FFmpeg's.
            () => new VideoCapture(index, VideoCaptureAPIs.V4L2));

    public void Open(CancellationToken cancellationToken)
    {
        Close();
        cancellationToken.ThrowIfCancellationRequested();
        if (_filePath is not null && !Path.Exists(_filePath))
            throw Failure(CameraSourceError.NotFound, IsLive ? "the video device does not exist." : "the video file does not exist.");

        VideoCapture capture;
        try
        {
            capture = _openCapture();
        }
        catch (OpenCVException ex)
        {
            throw Failure(CameraSourceError.CannotOpen, $"{_notOpenedReason} OpenCV: {ex.Message}", ex);
        }
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw Failure(CameraSourceError.CannotOpen, _notOpenedReason);
        }
        _capture = capture;
        _declaredFrames = IsLive ? 0 : (long)Math.Max(0, capture.FrameCount);
        _fps = capture.Fps;
        _grabbed = 0;
    }

    public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
    {
        var capture = _capture ?? throw new InvalidOperationException("Open the source before reading from it.");
        cancellationToken.ThrowIfCancellationRequested();
        bool grabbed;
        try
        {
            grabbed = capture.Grab();
        }
        catch (OpenCVException ex)
        {
            throw Failure(IsLive ? CameraSourceError.StreamLost : CameraSourceError.Corrupt, $"frame {_grabbed} cannot be read: {ex.Message}", ex);
        }
        if (!grabbed)
        {
            ThrowIfEndedTooEarly();
            frame = default;
            return false;
        }
        _grabbed++;
        frame = new SourceFrameInfo(Position(capture));
        return true;
    }

    public void Retrieve(Mat destination)
    {
        var capture = _capture ?? throw new InvalidOperationException("Open the source before reading from it.");
        try
        {
            if (capture.Retrieve(destination) && !destination.Empty()) return;
        }
        catch (OpenCVException ex)
        {
            throw Failure(CameraSourceError.Corrupt, $"frame {_grabbed - 1} cannot be decoded: {ex.Message}", ex);
        }
        throw Failure(CameraSourceError.Corrupt, $"frame {_grabbed - 1} cannot be decoded.");
    }

    public void Dispose() => Close();

    private void ThrowIfEndedTooEarly()
    {
        if (_grabbed == 0)
            throw Failure(IsLive ? CameraSourceError.StreamLost : CameraSourceError.Corrupt,
                IsLive ? "the stream opened but delivered no frame." : "it opened, but not one frame could be decoded: the video is corrupt.");
        if (_declaredFrames > 0 && _grabbed < _declaredFrames * (1 - DeclaredLengthTolerance) - 1)
            throw Failure(CameraSourceError.Corrupt,
                $"it ends after {_grabbed} of its {_declaredFrames} frames: the file is truncated or damaged.");
    }

    private TimeSpan Position(VideoCapture capture)
    {
        double msec = capture.PosMsec;
        if (double.IsFinite(msec) && msec >= 0) return TimeSpan.FromMilliseconds(msec);
        return _fps > 0 ? TimeSpan.FromSeconds((_grabbed - 1) / _fps) : TimeSpan.Zero;
    }

    private static int[] TimeoutParameters(CameraOptions camera) =>
    [
        OpenTimeoutProperty, (int)camera.OpenTimeout.TotalMilliseconds,
        ReadTimeoutProperty, (int)camera.ReadTimeout.TotalMilliseconds,
    ];

    private CameraSourceException Failure(CameraSourceError error, string detail, Exception? inner = null) =>
        new(_cameraId, _display, error, detail, inner);

    private void Close()
    {
        _capture?.Dispose();
        _capture = null;
    }
}
