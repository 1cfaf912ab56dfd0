namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>A camera's video cannot be read. The message names the camera and its input (credentials masked).</summary>
public sealed class CameraSourceException : Exception
{
    public CameraSourceException(string cameraId, string input, CameraSourceError error, string detail, Exception? innerException = null)
        : base($"Camera '{cameraId}', source '{input}': {detail}", innerException)
    {
        CameraId = cameraId;
        Input = input;
        Error = error;
        Detail = detail;
    }

    public string CameraId { get; }

    /// <summary>The source as configured, with any password in it replaced by <c>***</c>.</summary>
    public string Input { get; }

    public CameraSourceError Error { get; }

    /// <summary>What went wrong, without the camera and input that <see cref="Exception.Message"/> starts with.</summary>
    public string Detail { get; }
}
