using System.Diagnostics;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Tests.Support;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class CameraCaptureFileTests(TestVideos videos) : IClassFixture<TestVideos>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45); // generous: the suite runs assemblies in parallel on two cores

    [Fact]
    public async Task Reads_an_H264_file_encoded_by_ffmpeg_to_the_end_with_every_frame()
    {
        var camera = CaptureRun.Camera(videos.Clip);
        camera.FilePacing = FilePacing.AsFastAsPossible;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        var frames = await CaptureRun.DrainAsync(capture, Timeout);

        await capture.Completion;
        Assert.Equal(Enumerable.Range(0, TestVideos.ClipFrames).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.All(frames, f => Assert.Equal((TestVideos.ClipWidth, TestVideos.ClipHeight), (f.Width, f.Height)));
        var stats = capture.Statistics;
        Assert.Equal((75L, 75L, 0L, 0L, 0L), (stats.FramesGrabbed, stats.FramesDelivered, stats.FramesSkipped, stats.FramesDroppedQueueFull, stats.FramesDroppedNoBuffer));
        Assert.True(capture.FrameBuffers <= camera.MaxFramesInFlight);
    }

    [Fact]
    public async Task Frames_carry_camera_id_increasing_timestamps_and_a_bgr_image()
    {
        var camera = CaptureRun.Camera(videos.Clip, id: "gate-7");
        camera.FilePacing = FilePacing.AsFastAsPossible;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        var seen = new List<(string Camera, DateTimeOffset At, TimeSpan Position, MatType Type)>();
        await foreach (var frame in capture.Frames.ReadAllAsync())
        {
            using (frame) seen.Add((frame.CameraId, frame.Timestamp, frame.Position, frame.Image.Type()));
        }

        Assert.All(seen, s => Assert.Equal("gate-7", s.Camera));
        Assert.All(seen, s => Assert.Equal(MatType.CV_8UC3, s.Type));
        Assert.Equal(seen.OrderBy(s => s.At).Select(s => s.At), seen.Select(s => s.At));
        // 25 fps: the last of 75 frames is presented 2.96 s into the file.
        Assert.Equal(2960, seen[^1].Position.TotalMilliseconds, tolerance: 1);
    }

    [Fact]
    public async Task A_target_frame_rate_keeps_a_steady_share_of_the_frames()
    {
        var camera = CaptureRun.Camera(videos.Clip);
        camera.FilePacing = FilePacing.AsFastAsPossible;
        camera.TargetFps = 5;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        var frames = await CaptureRun.DrainAsync(capture, Timeout);

        // Every fifth frame of a 25 fps file, judged by the file's own timestamps.
        Assert.Equal(Enumerable.Range(0, 15).Select(i => i * 5L), frames.Select(f => f.Index));
        Assert.Equal(60, capture.Statistics.FramesSkipped);
    }

    [Fact]
    public async Task A_looping_file_starts_over_and_frame_indices_keep_increasing()
    {
        var camera = CaptureRun.Camera(videos.Clip);
        camera.FilePacing = FilePacing.AsFastAsPossible;
        camera.Loop = true;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        var indices = new List<long>();
        while (indices.Count < 2 * TestVideos.ClipFrames + 10)
        {
            using var frame = await capture.Frames.ReadAsync();
            indices.Add(frame.Index);
        }
        await capture.StopAsync();

        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
        Assert.True(capture.Statistics.Loops >= 2);
        Assert.True(capture.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_slow_consumer_of_a_real_time_source_loses_the_oldest_frames_and_every_drop_is_counted()
    {
        var camera = CaptureRun.Camera(videos.Clip);
        camera.FilePacing = FilePacing.RealTime;
        camera.QueueCapacity = 2;
        await using var capture = CaptureRun.Create(camera);
        var clock = Stopwatch.StartNew();
        capture.Start(CancellationToken.None);

        long consumed = 0;
        await foreach (var frame in capture.Frames.ReadAllAsync())
        {
            using (frame) consumed++;
            await Task.Delay(100); // a consumer at 10 fps behind a 25 fps camera
        }

        var stats = capture.Statistics;
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.5), $"a 3 s file paced in real time took only {clock.Elapsed}");
        Assert.True(stats.FramesDroppedQueueFull > 0, stats.ToString());
        Assert.Equal(stats.FramesDelivered - consumed, stats.FramesDroppedQueueFull);
        Assert.Equal(stats.FramesGrabbed, stats.FramesDelivered + stats.FramesSkipped + stats.FramesDroppedNoBuffer);
    }

    [Fact]
    public async Task Frame_buffers_never_exceed_the_in_flight_budget_even_when_the_consumer_hoards_frames()
    {
        var camera = CaptureRun.Camera(videos.Clip);
        camera.FilePacing = FilePacing.AsFastAsPossible;
        camera.QueueCapacity = 2;
        camera.MaxFramesInFlight = 4;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        // A stage that never lets go of its frames: every buffer ends up held, and capture drops rather than allocates.
        var hoard = new List<CameraFrame>();
        await foreach (var frame in capture.Frames.ReadAllAsync()) hoard.Add(frame);
        foreach (var frame in hoard) frame.Dispose();

        var stats = capture.Statistics;
        Assert.Equal(4, capture.FrameBuffers);
        Assert.Equal(4, stats.FramesDelivered);
        Assert.Equal(TestVideos.ClipFrames - 4, stats.FramesDroppedNoBuffer);
    }

    [Fact]
    public async Task A_missing_file_fails_that_camera_with_an_error_naming_the_camera_and_the_file()
    {
        await using var capture = CaptureRun.Create(CaptureRun.Camera(videos.Missing, id: "north-1"));
        capture.Start(CancellationToken.None);

        var error = await Assert.ThrowsAsync<CameraSourceException>(() => capture.Completion);

        Assert.Equal(CameraSourceError.NotFound, error.Error);
        Assert.Contains("north-1", error.Message);
        Assert.Contains(videos.Missing, error.Message);
        Assert.Contains("does not exist", error.Message);
        await Assert.ThrowsAsync<CameraSourceException>(async () => await capture.Frames.Completion);
    }

    [Fact]
    public async Task Random_bytes_named_mp4_fail_with_an_error_saying_the_video_cannot_be_read()
    {
        var error = await FailureOf(videos.RandomBytesNamedMp4);

        Assert.Equal(CameraSourceError.CannotOpen, error.Error);
        Assert.Contains(videos.RandomBytesNamedMp4, error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public async Task A_file_truncated_before_its_index_fails_with_an_error_naming_it()
    {
        var error = await FailureOf(videos.Truncated);

        Assert.Equal(CameraSourceError.CannotOpen, error.Error);
        Assert.Contains(videos.Truncated, error.Message);
    }

    [Fact]
    public async Task A_file_that_ends_before_its_declared_length_fails_as_truncated_after_delivering_what_it_had()
    {
        var camera = CaptureRun.Camera(videos.TruncatedAfterHeader);
        camera.FilePacing = FilePacing.AsFastAsPossible;
        await using var capture = CaptureRun.Create(camera);
        capture.Start(CancellationToken.None);

        int delivered = 0;
        var error = await Assert.ThrowsAsync<CameraSourceException>(async () =>
        {
            await foreach (var frame in capture.Frames.ReadAllAsync())
            {
                using (frame) delivered++;
            }
        });

        Assert.Equal(CameraSourceError.Corrupt, error.Error);
        Assert.Contains(videos.TruncatedAfterHeader, error.Message);
        Assert.Contains($"of its {TestVideos.ClipFrames} frames", error.Message);
        Assert.InRange(delivered, 1, TestVideos.ClipFrames - 2);
    }

    [Fact]
    public async Task A_broken_camera_does_not_disturb_the_others()
    {
        var good = CaptureRun.Camera(videos.Clip, id: "good");
        good.FilePacing = FilePacing.AsFastAsPossible;
        await using var goodCapture = CaptureRun.Create(good);
        await using var badUri = CaptureRun.Create(CaptureRun.Camera("ftp://127.0.0.1/cam", id: "bad-uri"));
        await using var corrupt = CaptureRun.Create(CaptureRun.Camera(videos.RandomBytesNamedMp4, id: "corrupt"));
        foreach (var capture in new[] { badUri, goodCapture, corrupt }) capture.Start(CancellationToken.None);

        var frames = await CaptureRun.DrainAsync(goodCapture, Timeout);

        Assert.Equal(TestVideos.ClipFrames, frames.Count);
        var uriError = await Assert.ThrowsAsync<CameraSourceException>(() => badUri.Completion);
        Assert.Equal(CameraSourceError.InvalidSource, uriError.Error);
        Assert.Contains("bad-uri", uriError.Message);
        Assert.Contains("unsupported scheme 'ftp'", uriError.Message);
        await Assert.ThrowsAsync<CameraSourceException>(() => corrupt.Completion);
    }

    private static async Task<CameraSourceException> FailureOf(string path)
    {
        await using var capture = CaptureRun.Create(CaptureRun.Camera(path));
        capture.Start(CancellationToken.None);
        var error = await Assert.ThrowsAsync<CameraSourceException>(() => capture.Completion);
        Assert.Contains("cam-test", error.Message);
        return error;
    }
}
