using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Scenes;

public class HighwaySceneTests
{
    [Fact]
    public void Same_seed_renders_identical_frames_and_truth_and_another_seed_differs()
    {
        var options = new HighwaySceneOptions { Seed = 4, Width = 320, Height = 180, Conditions = ConditionSchedule.Parse("night") };
        using var a = new HighwayScene(options);
        using var b = new HighwayScene(options);
        using var c = new HighwayScene(options with { Seed = 5 });
        using Mat frameA = new(), frameB = new(), frameC = new();
        for (int i = 0; i < 5; i++)
        {
            var truthA = a.Next(frameA);
            var truthB = b.Next(frameB);
            c.Next(frameC);
            Assert.Equal(0, Cv2.Norm(frameA, frameB, NormTypes.INF));
            Assert.Equal(truthA.Objects, truthB.Objects);
            Assert.True(Cv2.Norm(frameA, frameC, NormTypes.INF) > 0);
        }
    }

    [Fact]
    public void Changed_pixels_lie_inside_truth_boxes_and_visible_boxes_contain_changes()
    {
        using var scene = new HighwayScene(new HighwaySceneOptions { Seed = 21 });
        using Mat frame = new(), background = new(), difference = new(), changed = new(), allowed = new();
        scene.CopyBackgroundTo(background);
        int checkedObjects = 0, fullyVisible = 0;
        for (int i = 0; i < 60; i++)
        {
            var truth = scene.Next(frame);
            if (i % 3 != 0)
                continue;
            Cv2.Absdiff(frame, background, difference);
            using (var grey = difference.CvtColor(ColorConversionCodes.BGR2GRAY))
                Cv2.Threshold(grey, changed, 0, 255, ThresholdTypes.Binary);

            // Anti-aliased edges may touch a pixel or two beyond the box.
            allowed.Create(frame.Size(), MatType.CV_8UC1);
            allowed.SetTo(Scalar.All(0));
            foreach (var o in truth.Objects)
                Cv2.Rectangle(allowed, new Rect(o.Box.X - 2, o.Box.Y - 2, o.Box.Width + 4, o.Box.Height + 4), Scalar.All(255), -1);
            using (var outside = new Mat())
            {
                Cv2.BitwiseAnd(changed, ~allowed, outside);
                Assert.Equal(0, Cv2.CountNonZero(outside));
            }

            foreach (var o in truth.Objects.Where(o => o.Visible > 0.5))
            {
                using var inBox = new Mat(changed, o.Box);
                Assert.True(Cv2.CountNonZero(inBox) > 0.2 * o.Visible * o.Box.Width * o.Box.Height,
                    $"frame {i}: {o.Label} {o.TrackId} at {o.Box} visible {o.Visible} has few changed pixels");
                checkedObjects++;
            }
            foreach (var o in truth.Objects.Where(o => Isolated(o, truth, frame.Size())))
            {
                Assert.True(o.Visible == 1, $"isolated {o.Label} {o.TrackId} should be fully visible, got {o.Visible}");
                fullyVisible++;
            }
        }
        Assert.True(checkedObjects >= 20, $"only {checkedObjects} objects checked");
        Assert.True(fullyVisible >= 5, $"only {fullyVisible} isolated objects checked");
    }

    [Fact]
    public void Vehicles_keep_their_track_id_label_and_lane_while_moving_in_their_lanes_direction()
    {
        using var scene = new HighwayScene(new HighwaySceneOptions { Seed = 8, Width = 480, Height = 270 });
        using var frame = new Mat();
        var previous = new Dictionary<int, TruthObject>();
        int steps = 0, moving = 0;
        var directions = new HashSet<int>();
        for (int i = 0; i < 80; i++)
        {
            var truth = scene.Next(frame);
            Assert.Equal(truth.Objects.Count, truth.Objects.Select(o => o.TrackId).Distinct().Count());
            foreach (var o in truth.Objects)
            {
                if (previous.TryGetValue(o.TrackId, out var before) && Inside(before.Box, frame.Size()) && Inside(o.Box, frame.Size()))
                {
                    Assert.Equal(before.Label, o.Label);
                    // Anti-aliasing at a new sub-pixel position may move an edge by a pixel; vehicles neither change lane nor grow.
                    Assert.InRange(o.Box.Y - before.Box.Y, -1, 1);
                    Assert.InRange(o.Box.Height - before.Box.Height, -1, 1);
                    Assert.InRange(o.Box.Width - before.Box.Width, -1, 1);
                    int direction = LaneOf(scene.Layout, o.Box).Direction;
                    int dx = o.Box.X - before.Box.X;
                    Assert.True(dx * direction >= 0, $"track {o.TrackId} moved {dx} px against direction {direction}");
                    steps++;
                    if (dx != 0)
                    {
                        moving++;
                        directions.Add(Math.Sign(dx));
                    }
                }
            }
            previous = truth.Objects.ToDictionary(o => o.TrackId);
        }
        Assert.True(steps > 50, $"only {steps} steps observed");
        Assert.True(moving > 0.9 * steps, $"{moving} of {steps} steps moved");
        Assert.Equal(2, directions.Count);
    }

    [Fact]
    public void Light_vehicles_are_faster_than_heavy_ones_and_never_overlap_within_a_lane()
    {
        var options = new HighwaySceneOptions { Seed = 2, Width = 320, Height = 180, Fps = 10, VehiclesPerLanePerMinute = 15 };
        using var scene = new HighwayScene(options);
        using var frame = new Mat();
        var speeds = new Dictionary<int, (string Label, List<double> MetresPerSecond)>();
        var previous = new Dictionary<int, TruthObject>();
        for (int i = 0; i < 1200; i++)
        {
            var truth = scene.Next(frame);
            foreach (var lane in truth.Objects.GroupBy(o => LaneOf(scene.Layout, o.Box).Index))
            {
                var ordered = lane.OrderBy(o => o.Box.X).ToArray();
                for (int k = 1; k < ordered.Length; k++)
                    Assert.True(ordered[k - 1].Box.Right <= ordered[k].Box.X, $"frame {i}: {ordered[k - 1].Box} overlaps {ordered[k].Box} in lane {lane.Key}");
            }
            foreach (var o in truth.Objects)
            {
                if (!previous.TryGetValue(o.TrackId, out var before) || !Inside(before.Box, frame.Size()) || !Inside(o.Box, frame.Size()))
                    continue;
                double metres = Math.Abs(o.Box.X - before.Box.X) / LaneOf(scene.Layout, o.Box).PixelsPerMetre;
                if (!speeds.TryGetValue(o.TrackId, out var track))
                    speeds[o.TrackId] = track = (o.Label, []);
                track.MetresPerSecond.Add(metres * options.Fps);
            }
            previous = truth.Objects.ToDictionary(o => o.TrackId);
        }
        var byClass = speeds.Values.GroupBy(t => t.Label)
            .ToDictionary(g => g.Key, g => (Mean: g.Average(t => t.MetresPerSecond.Average()), Count: g.Count()));
        foreach (var label in VehicleClasses.Labels)
            Assert.True(byClass.ContainsKey(label) && byClass[label].Count >= 3, $"too few {label} tracks");
        double slowestLight = Math.Min(byClass["car"].Mean, byClass["motorcycle"].Mean);
        double fastestHeavy = Math.Max(byClass["truck"].Mean, byClass["bus"].Mean);
        Assert.True(slowestLight > fastestHeavy,
            string.Join(", ", byClass.Select(p => $"{p.Key} {p.Value.Mean:F1} m/s over {p.Value.Count}")));
    }

    [Fact]
    public void Frames_reuse_the_target_and_carry_index_and_timestamp()
    {
        using var scene = new HighwayScene(new HighwaySceneOptions { Seed = 1, Width = 160, Height = 90, Fps = 30 });
        using var frame = new Mat();
        scene.Next(frame);
        nint data = frame.Data;
        for (long i = 1; i < 10; i++)
        {
            var truth = scene.Next(frame);
            Assert.Equal(i, truth.FrameIndex);
            Assert.Equal((long)Math.Round(i * 1000 / 30.0), truth.TimestampMs);
            Assert.Equal(data, frame.Data);
            Assert.Equal(new Size(160, 90), frame.Size());
            Assert.All(truth.Objects, o => Assert.True(o.Box.X >= 0 && o.Box.Right <= 160 && o.Box.Y >= 0 && o.Box.Bottom <= 90));
        }
    }

    [Fact]
    public void The_condition_schedule_changes_frames_over_time()
    {
        using var scene = new HighwayScene(new HighwaySceneOptions
        {
            Seed = 3, Width = 160, Height = 90, Fps = 10, Conditions = ConditionSchedule.Parse("day@0,night@1s"),
        });
        using var frame = new Mat();
        var brightness = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            scene.Next(frame);
            brightness.Add(frame.Mean().Val1);
        }
        Assert.True(brightness[5] > 2 * brightness[15], $"day {brightness[5]}, night {brightness[15]}");
    }

    [Fact]
    public void Pickups_appear_only_on_a_camera_that_switches_them_on_at_about_their_share()
    {
        Assert.DoesNotContain(VehicleClass.Pickup, HighwaySceneOptions.DefaultClassMix.Keys);
        var plain = new HighwaySceneOptions { Seed = 4, Width = 320, Height = 180, Fps = 5, VehiclesPerLanePerMinute = 60 };
        var withPickups = plain.WithClassShare(VehicleClass.Pickup, 0.3);
        Assert.Equal(1.0, withPickups.ClassMix.Values.Sum(), 9);
        Assert.Equal(0.5 * 0.7, withPickups.ClassMix[VehicleClass.Car], 9);

        var plainLabels = TrackLabels(plain, frames: 600);
        var mixedLabels = TrackLabels(withPickups, frames: 600);
        Assert.DoesNotContain("pickup", plainLabels);
        double share = mixedLabels.Count(l => l == "pickup") / (double)mixedLabels.Count;
        Assert.InRange(share, 0.15, 0.45);
        Assert.DoesNotContain(VehicleClass.Pickup, withPickups.WithClassShare(VehicleClass.Pickup, 0).ClassMix.Keys);
        Assert.Throws<ArgumentException>(() => plain.WithClassShare(VehicleClass.Pickup, 1.0));
    }

    private static List<string> TrackLabels(HighwaySceneOptions options, int frames)
    {
        using var scene = new HighwayScene(options);
        using var frame = new Mat();
        var labels = new Dictionary<int, string>();
        for (int i = 0; i < frames; i++)
            foreach (var o in scene.Next(frame).Objects)
                labels[o.TrackId] = o.Label;
        return [.. labels.Values];
    }

    [Theory]
    [InlineData(0, 25)]
    [InlineData(9, 25)]
    [InlineData(4, 0)]
    public void Invalid_options_are_rejected(int lanes, double fps) =>
        Assert.Throws<ArgumentException>(() => new HighwayScene(new HighwaySceneOptions { LaneCount = lanes, Fps = fps }));

    private static Lane LaneOf(RoadLayout layout, Rect box) =>
        layout.Lanes.MinBy(lane => Math.Abs(lane.GroundY - box.Bottom))!;

    private static bool Inside(Rect box, Size frame) => box.X > 0 && box.Right < frame.Width;

    private static bool Isolated(TruthObject o, FrameTruth truth, Size frame) =>
        Inside(o.Box, frame) && truth.Objects.All(other => other == o || (other.Box & o.Box).Width <= 0);
}
