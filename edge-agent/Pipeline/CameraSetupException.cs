namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// A camera cannot be set up from its configuration (invalid options, a malformed synthetic source, ground-truth
/// proposals without a source that carries truth). It is that camera's error only: the others run.
/// </summary>
public sealed class CameraSetupException(string cameraId, string message, Exception? inner = null) : Exception(message, inner)
{
    public string CameraId { get; } = cameraId;
}
