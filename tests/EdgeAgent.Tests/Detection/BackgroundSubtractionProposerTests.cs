using EdgeMlops.EdgeAgent.Detection;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Detection;

public sealed class BackgroundSubtractionProposerTests
{
    private const int WarmUp = 20;

    private static BackgroundSubtractionOptions Options(Action<BackgroundSubtractionOptions>? change = null)
    {
        var options = new BackgroundSubtractionOptions { History = 100, WarmUpFrames = WarmUp, MinArea = 200 };
        change?.Invoke(options);
        return options;
    }

    /// <summary>Runs the scene through a proposer and returns the proposals of each frame.</summary>
    private static List<List<Rect>> Run(MovingObjectScene scene, int frames, BackgroundSubtractionOptions options,
        IReadOnlyList<Point>? region = null, bool withObject = true)
    {
        using var proposer = new BackgroundSubtractionProposer(options, region);
        var result = new List<List<Rect>>();
        var proposals = new List<Rect>();
        for (int i = 0; i < frames; i++)
        {
            using var frame = scene.Frame(i, withObject);
            proposer.Propose(frame, proposals);
            result.Add([.. proposals]);
        }
        return result;
    }

    private static double Iou(Rect a, Rect b)
    {
        var i = a & b;
        double inter = Math.Max(0, i.Width) * (double)Math.Max(0, i.Height);
        return inter / ((double)a.Width * a.Height + (double)b.Width * b.Height - inter);
    }

    [Fact]
    public void After_warm_up_one_proposal_covers_the_moving_object_in_every_frame()
    {
        using var scene = new MovingObjectScene { EntersAt = WarmUp };

        var proposals = Run(scene, WarmUp + 30, Options());

        for (int i = WarmUp; i < WarmUp + 30; i++)
        {
            var only = Assert.Single(proposals[i]);
            Assert.True(Iou(only, scene.ObjectAt(i)) > 0.6, $"frame {i}: proposal {only} against object {scene.ObjectAt(i)}");
        }
    }

    [Fact]
    public void Nothing_is_proposed_while_the_background_model_warms_up()
    {
        using var scene = new MovingObjectScene(); // the object moves from the first frame on
        using var proposer = new BackgroundSubtractionProposer(Options());
        var proposals = new List<Rect>();

        for (int i = 0; i < WarmUp; i++)
        {
            Assert.True(proposer.IsWarmingUp);
            using var frame = scene.Frame(i);
            proposer.Propose(frame, proposals);
            Assert.Empty(proposals);
        }

        Assert.False(proposer.IsWarmingUp);
    }

    [Fact]
    public void A_static_scene_with_sensor_noise_yields_no_proposals()
    {
        using var scene = new MovingObjectScene();

        var proposals = Run(scene, 40, Options(), withObject: false);

        Assert.All(proposals, Assert.Empty);
    }

    [Fact]
    public void Blobs_smaller_than_the_minimum_area_are_not_proposed()
    {
        using var scene = new MovingObjectScene { ObjectSize = new Size(12, 12), EntersAt = WarmUp };

        var tooSmall = Run(scene, WarmUp + 15, Options(o => o.MinArea = 200));
        var bigEnough = Run(scene, WarmUp + 15, Options(o => o.MinArea = 100));

        Assert.All(tooSmall, Assert.Empty);
        Assert.All(bigEnough.Skip(WarmUp), frame => Assert.Single(frame));
    }

    [Fact]
    public void Nothing_is_proposed_outside_the_region_of_interest()
    {
        // Drives along the top of the view.
        using var scene = new MovingObjectScene { Start = new Point(10, 30), EntersAt = WarmUp };
        Point[] bottomHalf = [new(0, 120), new(319, 120), new(319, 239), new(0, 239)];
        Point[] topHalf = [new(0, 0), new(319, 0), new(319, 119), new(0, 119)];

        var outside = Run(scene, WarmUp + 15, Options(), bottomHalf);
        var inside = Run(scene, WarmUp + 15, Options(), topHalf);

        Assert.All(outside, Assert.Empty);
        for (int i = WarmUp; i < WarmUp + 15; i++)
            Assert.True(Iou(Assert.Single(inside[i]), scene.ObjectAt(i)) > 0.6, $"frame {i}");
    }

    [Fact]
    public void A_vehicle_shadow_is_left_out_of_its_box()
    {
        using var scene = new MovingObjectScene { ShadowHeight = 24, EntersAt = WarmUp };

        var withoutShadows = Run(scene, WarmUp + 15, Options());
        var shadowsKept = Run(scene, WarmUp + 15, Options(o => o.DetectShadows = false));

        for (int i = WarmUp; i < WarmUp + 15; i++)
        {
            Assert.True(Iou(Assert.Single(withoutShadows[i]), scene.ObjectAt(i)) > 0.6, $"frame {i}");
            // Without shadow detection the box reaches down over the shadow, which shows the shadow was really there.
            Assert.True(shadowsKept[i].Max(b => b.Bottom) > scene.ObjectAt(i).Bottom + 12, $"frame {i}");
        }
    }

    [Fact]
    public void Large_frames_are_modelled_shrunk_and_boxes_come_back_in_frame_pixels()
    {
        using var scene = new MovingObjectScene(1280, 720)
        {
            ObjectSize = new Size(160, 100), Start = new Point(40, 300), Step = new Point(20, 0), EntersAt = WarmUp,
        };

        var proposals = Run(scene, WarmUp + 15, Options(o => { o.ProcessingWidth = 320; o.MinArea = 2000; }));

        for (int i = WarmUp; i < WarmUp + 15; i++)
            Assert.True(Iou(Assert.Single(proposals[i]), scene.ObjectAt(i)) > 0.6, $"frame {i}");
    }

    [Fact]
    public void The_knn_model_finds_the_moving_object_too()
    {
        using var scene = new MovingObjectScene { EntersAt = WarmUp };

        var proposals = Run(scene, WarmUp + 15, Options(o => o.Model = BackgroundModel.Knn));

        for (int i = WarmUp; i < WarmUp + 15; i++)
            Assert.True(Iou(Assert.Single(proposals[i]), scene.ObjectAt(i)) > 0.6, $"frame {i}");
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_their_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundSubtractionProposer(Options(o => o.KernelSize = 4)));

        Assert.Contains("Proposals:KernelSize must be a positive odd number; got 4.", error.Message);
    }
}
