using EdgeMlops.EdgeAgent.Capture;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// The time the tracker and the vehicle events see for a frame. For a video file (or a synthetic source with an end)
/// that is the video's own timeline, anchored at the capture time of its first frame: a file read as fast as
/// possible is captured in bursts, and the tracker predicts motion in pixels per second, so capture times would make
/// it lose and re-find vehicles (counting them twice) depending on how busy the machine is. Live sources run in real
/// time, and their positions restart on every reconnect, so they keep their capture time. Used from one thread.
/// </summary>
public sealed class TrackingClock
{
    private readonly bool _followsStream;
    private DateTimeOffset? _origin;
    private TimeSpan _lastPosition;
    private DateTimeOffset _last;

    private TrackingClock(bool followsStream) => _followsStream = followsStream;

    public static TrackingClock For(CameraOptions camera) => new(HasOwnTimeline(camera));

    public DateTimeOffset TimeOf(DateTimeOffset captured, TimeSpan position)
    {
        if (!_followsStream) return captured;
        // A position that goes back means the file started over (Loop): continue from where time had got to.
        if (_origin is null || position < _lastPosition)
            _origin = (captured > _last ? captured : _last) - position;
        _lastPosition = position;
        _last = _origin.Value + position;
        return _last;
    }

    private static bool HasOwnTimeline(CameraOptions camera)
    {
        if (SyntheticSourceUri.IsSynthetic(camera.Source))
        {
            try
            {
                return SyntheticSourceUri.Parse(camera.Source).Duration is not null;
            }
            catch (FormatException)
            {
                return false; // the capture reports the bad source itself
            }
        }
        try
        {
            return SourceAddress.Parse(camera.Id, camera.Source, []).Kind == SourceKind.File;
        }
        catch (CameraSourceException)
        {
            return false;
        }
    }
}
