using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>The capture's log lines, structured so a log store can count reconnects per camera.</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Camera {CameraId} opened {Source}")]
    public static partial void Opened(ILogger logger, string cameraId, string source);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Camera {CameraId} lost {Source}; reconnecting in {DelayMs:0} ms (attempt {Attempt}). Reason: {Reason}")]
    public static partial void StreamLost(ILogger logger, string cameraId, string source, string reason, double delayMs, int attempt);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Camera {CameraId} could not connect to {Source}; next attempt in {DelayMs:0} ms (attempt {Attempt}). Reason: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string cameraId, string source, string reason, double delayMs, int attempt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Camera {CameraId} reconnected to {Source} (reconnect {Reconnects})")]
    public static partial void Reconnected(ILogger logger, string cameraId, string source, long reconnects);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Camera {CameraId} reached the end of {Source} after {Frames} frames")]
    public static partial void Ended(ILogger logger, string cameraId, string source, long frames);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Camera {CameraId} stopped reading {Source}: {Reason}")]
    public static partial void Failed(ILogger logger, Exception exception, string cameraId, string source, string reason);
}
