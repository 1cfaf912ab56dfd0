using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>Builds captures the way the agent does, with the real source factory.</summary>
internal static class CaptureRun
{
    public static CameraOptions Camera(string source, string id = "cam-test") => new()
    {
        Id = id,
        Source = source,
        Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1) },
        OpenTimeout = TimeSpan.FromSeconds(10),
        ReadTimeout = TimeSpan.FromSeconds(3),
    };

    public static CameraCapture Create(CameraOptions camera, FakeLogger<CameraCapture>? logger = null) =>
        new(camera, new FrameSourceFactory(new FrameSourceFactoryOptions(), NullLoggerFactory.Instance), TimeProvider.System,
            logger ?? new FakeLogger<CameraCapture>());

    /// <summary>Takes every frame until the capture completes, disposing each one after looking at it.</summary>
    public static async Task<List<(long Index, int Width, int Height)>> DrainAsync(CameraCapture capture, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var frames = new List<(long, int, int)>();
        await foreach (var frame in capture.Frames.ReadAllAsync(cts.Token))
        {
            using (frame) frames.Add((frame.Index, frame.Image.Width, frame.Image.Height));
        }
        return frames;
    }

    /// <summary>Everything logged so far, one line per entry, for assertions and failure messages.</summary>
    public static string Text(this FakeLogger logger) =>
        string.Join(Environment.NewLine, logger.Collector.GetSnapshot().Select(r => $"{r.Level}: {r.Message}"));
}
