using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Tracking;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

public sealed class TrackingClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CameraOptions Camera(string source) => new() { Id = "cam1", Source = source };

    [Fact]
    public void A_file_read_in_bursts_follows_the_video_timeline_from_its_first_capture()
    {
        var clock = TrackingClock.For(Camera("/videos/day.mp4"));

        // Captured 1 ms apart (as fast as possible), 40 ms apart in the video.
        var times = Enumerable.Range(0, 4).Select(i => clock.TimeOf(Start.AddMilliseconds(i), TimeSpan.FromMilliseconds(40 * i))).ToList();

        Assert.Equal([Start, Start.AddMilliseconds(40), Start.AddMilliseconds(80), Start.AddMilliseconds(120)], times);
    }

    [Fact]
    public void A_looping_file_never_runs_backwards()
    {
        var clock = TrackingClock.For(Camera("file:///videos/day.mp4"));
        clock.TimeOf(Start, TimeSpan.Zero);
        var endOfFirstPass = clock.TimeOf(Start.AddMilliseconds(5), TimeSpan.FromSeconds(10));

        var startOfSecondPass = clock.TimeOf(Start.AddMilliseconds(6), TimeSpan.Zero);
        var next = clock.TimeOf(Start.AddMilliseconds(7), TimeSpan.FromMilliseconds(40));

        Assert.True(startOfSecondPass >= endOfFirstPass);
        Assert.Equal(startOfSecondPass.AddMilliseconds(40), next);
    }

    [Fact]
    public void A_synthetic_source_with_an_end_follows_its_timeline_and_a_live_one_keeps_capture_time()
    {
        var ending = TrackingClock.For(Camera("synthetic://highway?seed=1&duration=10s"));
        var live = TrackingClock.For(Camera("synthetic://highway?seed=1"));
        ending.TimeOf(Start, TimeSpan.Zero);
        live.TimeOf(Start, TimeSpan.Zero);

        Assert.Equal(Start.AddMilliseconds(40), ending.TimeOf(Start.AddMilliseconds(1), TimeSpan.FromMilliseconds(40)));
        Assert.Equal(Start.AddMilliseconds(1), live.TimeOf(Start.AddMilliseconds(1), TimeSpan.FromMilliseconds(40)));
    }

    [Theory]
    [InlineData("rtsp://127.0.0.1:8554/cam")]
    [InlineData("/dev/video0")]
    [InlineData("not a uri://")]
    public void Streams_devices_and_bad_sources_keep_capture_time(string source)
    {
        var clock = TrackingClock.For(Camera(source));
        var captured = Start.AddSeconds(3);

        Assert.Equal(captured, clock.TimeOf(captured, TimeSpan.FromSeconds(100)));
    }
}
