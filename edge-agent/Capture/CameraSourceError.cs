namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Why a camera's source failed.</summary>
public enum CameraSourceError
{
    /// <summary>The source URI is malformed or of a kind no source handles. Retrying cannot help.</summary>
    InvalidSource,

    /// <summary>The file or device does not exist.</summary>
    NotFound,

    /// <summary>The input exists but cannot be opened as video (not a video, unsupported, server unreachable).</summary>
    CannotOpen,

    /// <summary>The video opened but its frames cannot be decoded, or it ends before its declared length.</summary>
    Corrupt,

    /// <summary>A live stream stopped delivering frames.</summary>
    StreamLost,
}
