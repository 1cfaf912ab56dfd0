namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// Debian's ffmpeg serving a video as an HTTP MJPEG stream (multipart/x-mixed-replace, as IP cameras do) on
/// 127.0.0.1, in real time and looping. ffmpeg's HTTP server takes one client.
/// </summary>
internal sealed class FfmpegMjpegServer : IDisposable
{
    private readonly ExternalProcess _process;

    public FfmpegMjpegServer(string video)
    {
        int port = FreeTcpPort.Next();
        Url = $"http://127.0.0.1:{port}/cam.mjpg";
        _process = ExternalProcess.Start("ffmpeg",
            ["-v", "error", "-re", "-stream_loop", "-1", "-i", video, "-an", "-c:v", "mjpeg", "-q:v", "5",
             "-f", "mpjpeg", "-listen", "1", Url]);
    }

    public string Url { get; }

    public string Output => _process.Output;

    public void Dispose() => _process.Dispose();
}
