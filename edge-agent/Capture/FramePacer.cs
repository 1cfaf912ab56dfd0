namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>What to do with a frame just grabbed.</summary>
/// <param name="Deliver">Hand it on; otherwise skip it without converting it.</param>
/// <param name="Wait">How long to wait before handing it on (a file read in real time that is ahead of the clock).</param>
internal readonly record struct PacingDecision(bool Deliver, TimeSpan Wait);

/// <summary>
/// Brings a source to the camera's target frame rate. Frames are chosen on a fixed grid of due times, so a 25 fps
/// camera with a target of 10 delivers 10 frames a second on average rather than every third frame (8.3).
/// Live sources are timed by the clock; files by their own timestamps, and in <see cref="FilePacing.RealTime"/>
/// also held to the clock: ahead, capture waits; more than one frame behind, the frame is skipped. A file that
/// cannot even be grabbed in real time would then be skipped entirely, so past <see cref="MaxLag"/> the clock is
/// moved to the file instead.
/// </summary>
internal sealed class FramePacer(double? targetFps, bool isLive, FilePacing filePacing, TimeProvider time)
{
    /// <summary>Lateness tolerated before frames are skipped when no target rate sets the interval.</summary>
    private static readonly TimeSpan DefaultLateness = TimeSpan.FromMilliseconds(100);

    /// <summary>Lag behind the clock beyond which a real-time file stops skipping and the clock is moved instead.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _interval = targetFps is { } fps ? TimeSpan.FromSeconds(1 / fps) : TimeSpan.Zero;
    private readonly bool _followClock = !isLive && filePacing == FilePacing.RealTime;
    private long _startTimestamp;
    private TimeSpan? _firstPosition;
    private TimeSpan _nextDue;

    /// <summary>Starts a new timeline: after (re)connecting, or when a looping file starts over.</summary>
    public void Restart()
    {
        _startTimestamp = time.GetTimestamp();
        _firstPosition = null;
        _nextDue = TimeSpan.Zero;
    }

    public PacingDecision Decide(TimeSpan position)
    {
        var elapsed = time.GetElapsedTime(_startTimestamp);
        _firstPosition ??= position;
        // Where this frame sits on the camera's timeline: wall time for live sources, media time for files.
        var at = isLive ? elapsed : position - _firstPosition.Value;

        if (_interval > TimeSpan.Zero)
        {
            if (at < _nextDue) return new PacingDecision(false, TimeSpan.Zero);
            // After a gap (stall, seek), restart the grid instead of delivering a burst to catch up.
            _nextDue = at - _nextDue > _interval ? at + _interval : _nextDue + _interval;
        }

        if (!_followClock) return new PacingDecision(true, TimeSpan.Zero);
        var late = elapsed - at;
        if (late > MaxLag)
        {
            _startTimestamp += (long)(late.TotalSeconds * time.TimestampFrequency);
            return new PacingDecision(true, TimeSpan.Zero);
        }
        if (late > (_interval > TimeSpan.Zero ? _interval : DefaultLateness)) return new PacingDecision(false, TimeSpan.Zero);
        return new PacingDecision(true, late < TimeSpan.Zero ? -late : TimeSpan.Zero);
    }
}
