using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Pipeline;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Sampling;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

public sealed class VehicleReporterTests
{
    [Fact]
    public async Task On_a_source_with_truth_a_track_that_followed_no_truth_vehicle_is_sampled_as_not_a_vehicle_and_its_event_needs_review()
    {
        using var rig = new SamplingRig(new ModelMonitoring { CertaintyThreshold = 0.5 });
        var metrics = new CameraMetrics("cam1");
        // The camera's sinks as the pipeline chains them for a source that carries ground truth.
        ITrackSink sink = new GroundTruthTrackSink("cam1", new TruthScorer(), new TrackerOptions(),
            new VehicleReporter("box-1", metrics, rig.Telemetry, rig.Sampler));
        // A real vehicle elsewhere in the frame: the proposal (a headlight glow, say) overlaps none.
        var truth = new FrameTruth(0, 0, [new TruthObject(7, "car", new Rect(300, 200, 60, 40), 1)]);

        for (int i = 0; i < 3; i++)
        {
            using var frame = rig.Frame(rig.Peaked(0.35f), truth);
            sink.Observe(frame, [1]);
        }
        await sink.CompleteAsync(rig.Ended(1, 0.35));

        var records = rig.Drain();
        var vehicleEvent = Assert.Single(records.OfType<PendingVehicleEvent>()).Event;
        var sample = Assert.Single(records.OfType<PendingReviewSample>()).Info;
        Assert.True(vehicleEvent.NeedsReview);
        Assert.Null(vehicleEvent.TruthLabel);
        Assert.Equal(SampleReasons.NeedsReview, sample.Reason);
        Assert.Equal(ReviewLabels.NotAVehicle, sample.TruthLabel);
        Assert.Equal(1, metrics.Samples);
        Assert.Equal(1, rig.Counters.NeedsReviewEvents);
    }
}
