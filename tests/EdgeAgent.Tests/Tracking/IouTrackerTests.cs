using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;
using static EdgeMlops.EdgeAgent.Tests.Tracking.TrackerScript;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

public sealed class IouTrackerTests
{
    private static TrackerScript Script(Action<TrackerOptions>? change = null, CountingLine? line = null)
    {
        var options = new TrackerOptions { MaxMissedFrames = 5, MinObservations = 3 };
        change?.Invoke(options);
        return new TrackerScript(new IouTracker("cam-3", options, line));
    }

    [Fact]
    public void Two_vehicles_whose_paths_cross_keep_their_own_ids()
    {
        var script = Script();
        var aIds = new List<long>();
        var bIds = new List<long>();

        // A drives right, B drives left, 20 px a frame each, slightly offset: they overlap while passing.
        for (int t = 0; t < 16; t++)
        {
            var a = new Rect(20 * t, 100, 40, 30);
            var b = new Rect(300 - 20 * t, 110, 40, 30);
            // The order of proposals in a frame means nothing; alternate it.
            if (t % 2 == 0)
            {
                var ids = script.Frame(a, b);
                aIds.Add(ids[0]);
                bIds.Add(ids[1]);
            }
            else
            {
                var ids = script.Frame(b, a);
                bIds.Add(ids[0]);
                aIds.Add(ids[1]);
            }
        }

        Assert.Single(aIds.Distinct());
        Assert.Single(bIds.Distinct());
        Assert.NotEqual(aIds[0], bIds[0]);
    }

    [Fact]
    public void A_track_unseen_for_fewer_frames_than_its_lifetime_continues_where_it_was_heading()
    {
        var script = Script(o => o.MaxMissedFrames = 5);
        var first = script.Frame(new Rect(0, 50, 40, 30))[0];
        for (int t = 1; t < 6; t++) script.Frame(new Rect(10 * t, 50, 40, 30));

        for (int t = 6; t < 10; t++) script.NothingSeen(); // hidden behind a truck for four frames
        var after = script.Frame(new Rect(100, 50, 40, 30))[0];

        Assert.Equal(first, after);
        Assert.Empty(script.Completed);
    }

    [Fact]
    public void A_track_unseen_for_longer_than_its_lifetime_ends_and_is_reported_as_lost()
    {
        var script = Script(o => o.MaxMissedFrames = 5);
        var first = script.Frame(new Rect(0, 50, 40, 30))[0];
        for (int t = 1; t < 6; t++) script.Frame(new Rect(10 * t, 50, 40, 30));

        for (int t = 6; t < 12; t++) script.NothingSeen();
        var later = script.Frame(new Rect(50, 50, 40, 30))[0];

        var ended = Assert.Single(script.Completed);
        Assert.Equal((first, TrackEndReason.Lost, 6), (ended.TrackId, ended.EndReason, ended.Observations));
        Assert.Equal(TimeOf(5), ended.LastSeen);
        Assert.NotEqual(first, later);
    }

    [Fact]
    public void Every_vehicle_is_reported_exactly_once()
    {
        var script = Script();
        // Three vehicles, entering 20 frames apart, each in view for 30 frames.
        for (int t = 0; t < 100; t++)
        {
            var boxes = Enumerable.Range(0, 3)
                .Where(v => t >= 20 * v && t < 20 * v + 30)
                .Select(v => new Rect(10 * (t - 20 * v), 40 + 60 * v, 40, 30))
                .ToArray();
            script.Frame(boxes);
        }
        script.End();
        script.End();

        Assert.Equal(3, script.Completed.Count);
        Assert.Equal(3, script.Completed.Select(c => c.TrackId).Distinct().Count());
        Assert.All(script.Completed, c => Assert.Equal(30, c.Observations));
    }

    [Fact]
    public void Tracks_still_active_when_the_stream_ends_are_reported_as_such()
    {
        var script = Script();
        for (int t = 0; t < 4; t++) script.Frame(new Rect(10 * t, 50, 40, 30));

        script.End();

        var ended = Assert.Single(script.Completed);
        Assert.Equal(TrackEndReason.StreamEnded, ended.EndReason);
        Assert.Equal(("cam-3", TimeOf(0), TimeOf(3), new Rect(30, 50, 40, 30)), (ended.CameraId, ended.FirstSeen, ended.LastSeen, ended.LastBox));
    }

    [Fact]
    public void The_vote_picks_the_label_with_the_highest_summed_probability_even_when_most_frames_disagree()
    {
        var script = Script();
        var box = new Rect(0, 0, 40, 30);
        var sharpestTruck = new Rect(0, 0, 42, 30);
        // Four frames lean to car, two are sure it is a truck: summed, truck wins (3.6 against 2.3).
        for (int t = 0; t < 4; t++) script.Observe(Seen(box, bus: 0, car: 0.55f, truck: 0.45f));
        script.Observe(Seen(sharpestTruck, bus: 0, car: 0.05f, truck: 0.95f));
        script.Observe(Seen(box, bus: 0.1f, car: 0.05f, truck: 0.85f));
        script.End();

        var vehicle = Assert.Single(script.Completed);
        Assert.Equal("truck", vehicle.Label);
        Assert.Equal(3.6 / 6, vehicle.Confidence, precision: 5);
        Assert.Equal(["truck", "car", "bus"], vehicle.TopK.Select(p => p.Label));
        Assert.Equal(2.3 / 6, vehicle.TopK[1].Probability, precision: 5);
        Assert.Equal(sharpestTruck, vehicle.BestBox);
    }

    [Fact]
    public void Unclassified_observations_move_a_track_but_do_not_vote()
    {
        var script = Script();
        for (int t = 0; t < 3; t++) script.Observe(new TrackObservation(new Rect(5 * t, 0, 40, 30)));
        script.Observe(Seen(new Rect(15, 0, 40, 30), bus: 0.8f, car: 0.1f, truck: 0.1f));
        script.End();

        var vehicle = Assert.Single(script.Completed);
        Assert.Equal(("bus", 4), (vehicle.Label, vehicle.Observations));
        Assert.Equal(0.8, vehicle.Confidence, precision: 5);
    }

    [Fact]
    public void A_track_never_classified_has_no_label()
    {
        var script = Script();
        for (int t = 0; t < 3; t++) script.Observe(new TrackObservation(new Rect(5 * t, 0, 40, 30)));
        script.End();

        var vehicle = Assert.Single(script.Completed);
        Assert.Null(vehicle.Label);
        Assert.Empty(vehicle.TopK);
    }

    [Fact]
    public void Flicker_shorter_than_the_minimum_observations_is_discarded_and_counted()
    {
        var tracker = new IouTracker("cam-3", new TrackerOptions { MinObservations = 3, MaxMissedFrames = 1 });
        var script = new TrackerScript(tracker);
        script.Frame(new Rect(200, 200, 20, 20));
        for (int t = 0; t < 4; t++) script.NothingSeen();

        Assert.Empty(script.Completed);
        Assert.Equal(1, tracker.DiscardedTracks);
    }

    [Fact]
    public void A_small_fast_vehicle_whose_boxes_never_overlap_is_followed_by_its_centre()
    {
        var linked = Script();
        var unlinked = Script(o => o.CentroidGate = 0);

        // 10 x 10 px, 12 px a frame: consecutive boxes do not overlap at all.
        var ids = Enumerable.Range(0, 10).Select(t => linked.Frame(new Rect(12 * t, 80, 10, 10))[0]).ToList();
        var idsWithoutFallback = Enumerable.Range(0, 2).Select(t => unlinked.Frame(new Rect(12 * t, 80, 10, 10))[0]).ToList();

        Assert.Single(ids.Distinct());
        Assert.Equal(2, idsWithoutFallback.Distinct().Count());
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_their_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new IouTracker("cam", new TrackerOptions { MinIou = 0 }));

        Assert.Contains("Tracking:MinIou", error.Message);
    }
}
