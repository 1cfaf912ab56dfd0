using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class FramePacerTests
{
    private static readonly TimeSpan FrameOf25Fps = TimeSpan.FromMilliseconds(40);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_live_camera_is_thinned_to_the_target_rate_by_the_clock()
    {
        var pacer = new FramePacer(targetFps: 10, isLive: true, FilePacing.RealTime, _time);
        pacer.Restart();

        int delivered = 0;
        for (int i = 0; i < 250; i++)
        {
            if (pacer.Decide(TimeSpan.Zero).Deliver) delivered++;
            _time.Advance(FrameOf25Fps);
        }

        Assert.Equal(100, delivered); // 10 s at 10 fps
    }

    [Fact]
    public void Without_a_target_rate_every_live_frame_is_delivered_at_once()
    {
        var pacer = new FramePacer(targetFps: null, isLive: true, FilePacing.RealTime, _time);
        pacer.Restart();

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(new PacingDecision(true, TimeSpan.Zero), pacer.Decide(TimeSpan.Zero)));
    }

    [Fact]
    public void A_real_time_file_ahead_of_the_clock_waits_for_its_frame_time()
    {
        var pacer = new FramePacer(targetFps: null, isLive: false, FilePacing.RealTime, _time);
        pacer.Restart();

        Assert.Equal(TimeSpan.Zero, pacer.Decide(TimeSpan.Zero).Wait);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(30), pacer.Decide(FrameOf25Fps).Wait);
    }

    [Fact]
    public void A_real_time_file_behind_the_clock_skips_frames_until_it_has_caught_up()
    {
        var pacer = new FramePacer(targetFps: null, isLive: false, FilePacing.RealTime, _time);
        pacer.Restart();
        pacer.Decide(TimeSpan.Zero);

        _time.Advance(TimeSpan.FromMilliseconds(400)); // a stall of ten frames
        var decisions = Enumerable.Range(1, 12).Select(i => pacer.Decide(FrameOf25Fps * i).Deliver).ToList();

        Assert.Equal([false, false, false, false, false, false, false, true, true, true, true, true], decisions);
    }

    [Fact]
    public void A_file_that_cannot_keep_up_at_all_is_delivered_late_rather_than_not_at_all()
    {
        var pacer = new FramePacer(targetFps: null, isLive: false, FilePacing.RealTime, _time);
        pacer.Restart();
        pacer.Decide(TimeSpan.Zero);

        _time.Advance(FramePacer.MaxLag + TimeSpan.FromSeconds(1));

        Assert.True(pacer.Decide(FrameOf25Fps).Deliver);
        _time.Advance(FrameOf25Fps);
        Assert.True(pacer.Decide(FrameOf25Fps * 2).Deliver);
    }

    [Fact]
    public void A_file_read_as_fast_as_possible_never_waits_and_is_thinned_by_its_own_timestamps()
    {
        var pacer = new FramePacer(targetFps: 5, isLive: false, FilePacing.AsFastAsPossible, _time);
        pacer.Restart();

        var decisions = Enumerable.Range(0, 25).Select(i => pacer.Decide(FrameOf25Fps * i)).ToList();

        Assert.All(decisions, d => Assert.Equal(TimeSpan.Zero, d.Wait));
        Assert.Equal([0, 5, 10, 15, 20], decisions.Select((d, i) => (d, i)).Where(x => x.d.Deliver).Select(x => x.i));
    }
}
