namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Turns a camera's configured source into an <see cref="IFrameSource"/>.</summary>
public interface IFrameSourceFactory
{
    /// <summary>Builds the source without touching the input yet; <see cref="IFrameSource.Open"/> does that.</summary>
    /// <exception cref="CameraSourceException">The source URI is malformed or of an unsupported kind.</exception>
    IFrameSource Create(CameraOptions camera);
}
