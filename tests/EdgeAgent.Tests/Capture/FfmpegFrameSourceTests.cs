using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

/// <summary>The watchdog around the ffmpeg decoder: a server that never answers must not hold a camera.</summary>
public sealed class FfmpegFrameSourceTests : IDisposable
{
    private readonly TcpListener _silentServer = new(IPAddress.Loopback, 0);

    public FfmpegFrameSourceTests() => _silentServer.Start(); // accepts connections (backlog) and never says a word

    private string Url => $"rtsp://127.0.0.1:{((IPEndPoint)_silentServer.LocalEndpoint).Port}/cam";

    private FfmpegFrameSource Source(TimeSpan openTimeout) =>
        new(new CameraOptions { Id = "silent-1", Source = Url, OpenTimeout = openTimeout }, Url, Url, "ffmpeg", NullLogger.Instance);

    [Fact]
    public void A_server_that_accepts_but_never_answers_fails_after_the_open_timeout()
    {
        using var source = Source(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<CameraSourceException>(() => source.Open(CancellationToken.None));

        Assert.Equal(CameraSourceError.CannotOpen, error.Error);
        Assert.Contains("silent-1", error.Message);
        Assert.Contains("no video arrived within 1 s", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Stopping_the_camera_ends_a_blocked_open_at_once()
    {
        using var source = Source(TimeSpan.FromMinutes(1));
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => source.Open(stop.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    public void Dispose() => _silentServer.Stop();
}
