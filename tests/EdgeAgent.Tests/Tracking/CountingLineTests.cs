using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

public sealed class CountingLineTests
{
    // Drawn left to right across the road, 150 px wide, at y = 120.
    private static readonly CountingLine Line = new(new Point2d(0, 120), new Point2d(150, 120));

    private static List<CompletedTrack> Drive(params Func<int, Rect?>[] vehicles)
    {
        var script = new TrackerScript(new IouTracker("cam-1", new TrackerOptions { MinObservations = 2 }, Line));
        for (int t = 0; t < 40; t++)
            script.Frame(vehicles.Select(v => v(t)).OfType<Rect>().ToArray());
        script.End();
        return script.Completed;
    }

    [Fact]
    public void Driving_down_the_image_counts_once_left_to_right_and_driving_up_once_right_to_left()
    {
        var tracks = Drive(
            t => new Rect(20, 40 + 6 * t, 30, 20),   // centre from y 50 to 284: downwards
            t => new Rect(100, 260 - 6 * t, 30, 20)); // upwards

        var down = tracks.Single(c => c.LastBox.X == 20);
        var up = tracks.Single(c => c.LastBox.X == 100);
        Assert.Equal((true, CrossingDirection.LeftToRight), (down.CrossedLine, down.Direction));
        Assert.Equal((true, CrossingDirection.RightToLeft), (up.CrossedLine, up.Direction));
    }

    [Fact]
    public void A_vehicle_that_stops_on_the_line_and_jitters_across_it_counts_once()
    {
        // Centre y: 102, 106, ... up to the line, then alternately 118 and 124.
        var tracks = Drive(t => new Rect(60, t < 5 ? 92 + 4 * t : t % 2 == 0 ? 108 : 114, 30, 20));

        var vehicle = Assert.Single(tracks);
        Assert.True(vehicle.CrossedLine);
        Assert.Equal(CrossingDirection.LeftToRight, vehicle.Direction);
    }

    [Fact]
    public void Passing_beyond_the_end_of_the_line_is_no_crossing()
    {
        var tracks = Drive(t => new Rect(250, 40 + 6 * t, 30, 20));

        var vehicle = Assert.Single(tracks);
        Assert.False(vehicle.CrossedLine);
        Assert.Null(vehicle.Direction);
    }

    [Fact]
    public void Touching_the_line_without_going_over_is_no_crossing()
    {
        // Centre y: 100, 105, 110, 115, 120 (on the line), then back up.
        var tracks = Drive(t => new Rect(60, t <= 4 ? 90 + 5 * t : 110 - 5 * (t - 4), 30, 20));

        Assert.False(Assert.Single(tracks).CrossedLine);
    }

    [Fact]
    public void A_line_needs_two_different_points()
    {
        Assert.Throws<ArgumentException>(() => new CountingLine(new Point2d(5, 5), new Point2d(5, 5)));
    }
}
