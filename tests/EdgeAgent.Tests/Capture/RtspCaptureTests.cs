using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

/// <summary>Live streams from real servers on 127.0.0.1: VLC for RTSP, ffmpeg for HTTP MJPEG.</summary>
public sealed class RtspCaptureTests(TestVideos videos) : IClassFixture<TestVideos>
{
    // Generous: the whole suite runs test assemblies in parallel on two cores, and ffmpeg's RTSP start slows down under that load.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Reconnects_to_an_rtsp_server_that_was_killed_and_restarted_and_frames_flow_again()
    {
        using var server = new VlcRtspServer(videos.LongClip);
        await server.StartAsync();
        var logger = new FakeLogger<CameraCapture>();
        await using var capture = CaptureRun.Create(CaptureRun.Camera(server.Url, id: "rtsp-cam"), logger);
        long frames = 0;
        capture.Start(CancellationToken.None);
        var consumer = Task.Run(async () =>
        {
            await foreach (var frame in capture.Frames.ReadAllAsync())
            {
                Assert.Equal((TestVideos.ClipWidth, TestVideos.ClipHeight), (frame.Image.Width, frame.Image.Height));
                frame.Dispose();
                Interlocked.Increment(ref frames);
            }
        });

        await Eventually.HoldsAsync(() => Interlocked.Read(ref frames) >= 25, () => $"first frames; server: {server.Output}; log: {logger.Text()}", Timeout);
        server.Kill();
        await Eventually.HoldsAsync(() => logger.Text().Contains("lost"), () => $"the loss to be noticed; log: {logger.Text()}", Timeout);
        long beforeRestart = Interlocked.Read(ref frames);
        await server.StartAsync();
        await Eventually.HoldsAsync(() => capture.Statistics.Reconnects > 0, () => $"a reconnect; log: {logger.Text()}", Timeout);
        await Eventually.HoldsAsync(() => Interlocked.Read(ref frames) >= beforeRestart + 25, () => $"frames after the restart; log: {logger.Text()}", Timeout);

        await capture.StopAsync();
        await consumer;
        Assert.True(capture.Completion.IsCompletedSuccessfully);
        Assert.Contains("rtsp-cam reconnected to " + server.Url, logger.Text());
    }

    [Fact]
    public async Task Keeps_trying_a_camera_that_is_down_at_start_and_picks_it_up_when_it_comes()
    {
        using var server = new VlcRtspServer(videos.LongClip);
        var logger = new FakeLogger<CameraCapture>();
        await using var capture = CaptureRun.Create(CaptureRun.Camera(server.Url), logger);
        capture.Start(CancellationToken.None);

        await Eventually.HoldsAsync(() => capture.Statistics.FailedConnects >= 2, () => $"failed attempts; log: {logger.Text()}", Timeout);
        await server.StartAsync();
        using var frame = await capture.Frames.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(TestVideos.ClipWidth, frame.Image.Width);
        Assert.Contains("could not connect to " + server.Url, logger.Text());
        Assert.Contains("ffmpeg could not open the stream", logger.Text());
        Assert.Contains("Connection refused", logger.Text());
    }

    [Fact]
    public async Task A_stream_that_goes_silent_is_declared_lost_after_the_read_timeout_and_resumes_when_it_returns()
    {
        using var server = new VlcRtspServer(videos.LongClip);
        await server.StartAsync();
        var logger = new FakeLogger<CameraCapture>();
        var camera = CaptureRun.Camera(server.Url);
        camera.ReadTimeout = TimeSpan.FromSeconds(1);
        camera.OpenTimeout = TimeSpan.FromSeconds(10); // this test is about the read timeout; opening may be slow under load
        await using var capture = CaptureRun.Create(camera, logger);
        capture.Start(CancellationToken.None);
        (await capture.Frames.ReadAsync().AsTask().WaitAsync(Timeout)).Dispose();

        server.Freeze();
        await Eventually.HoldsAsync(() => logger.Text().Contains("no frame for 1 s"), () => $"the stall to be noticed; log: {logger.Text()}", Timeout);
        server.Thaw();
        await Eventually.HoldsAsync(() => capture.Statistics.Reconnects > 0, () => $"a reconnect; log: {logger.Text()}", Timeout);
        while (capture.Frames.TryRead(out var stale)) stale.Dispose();
        using var frame = await capture.Frames.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(TestVideos.ClipWidth, frame.Image.Width);
    }

    [Fact]
    public async Task Reads_an_http_mjpeg_stream()
    {
        using var server = new FfmpegMjpegServer(videos.Clip);
        var logger = new FakeLogger<CameraCapture>();
        await using var capture = CaptureRun.Create(CaptureRun.Camera(server.Url, id: "mjpeg-cam"), logger);
        capture.Start(CancellationToken.None);

        for (int i = 0; i < 10; i++)
        {
            using var frame = await capture.Frames.ReadAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal((TestVideos.ClipWidth, TestVideos.ClipHeight), (frame.Image.Width, frame.Image.Height));
        }
    }
}
