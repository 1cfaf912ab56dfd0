using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

/// <summary>Feeds a tracker frame by frame at 25 fps and keeps what it said.</summary>
internal sealed class TrackerScript(IouTracker tracker)
{
    public static readonly string[] Labels = ["bus", "car", "truck"];
    private static readonly DateTimeOffset Start = new(2030, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<long> _ids = [];
    private int _frame;

    public List<CompletedTrack> Completed { get; } = [];

    public static DateTimeOffset TimeOf(int frame) => Start.AddMilliseconds(40 * frame);

    /// <summary>One frame; returns the track id given to each observation.</summary>
    public long[] Observe(params TrackObservation[] observations)
    {
        tracker.Update(TimeOf(_frame++), observations, _ids, Completed);
        return [.. _ids];
    }

    /// <summary>One frame of boxes classified as undecided.</summary>
    public long[] Frame(params Rect[] boxes) => Observe(boxes.Select(b => Seen(b)).ToArray());

    /// <summary>One frame in which nothing was proposed.</summary>
    public void NothingSeen() => Observe();

    public void End() => tracker.Complete(Completed);

    /// <summary>A box classified with probabilities for bus, car, truck (in that order); equal ones when left out.</summary>
    public static TrackObservation Seen(Rect box, float bus = 1f / 3, float car = 1f / 3, float truck = 1f / 3) =>
        new(box, Labels, new[] { bus, car, truck });
}
