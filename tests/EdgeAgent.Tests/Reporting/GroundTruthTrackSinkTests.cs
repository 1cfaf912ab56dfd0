using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Tests.Models;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;
using static EdgeMlops.EdgeAgent.Tests.Tracking.TrackedFrames;

namespace EdgeMlops.EdgeAgent.Tests.Reporting;

public sealed class GroundTruthTrackSinkTests : IDisposable
{
    private readonly ModelSlot _slot = new();
    private readonly TruthScorer _scorer = new();
    private readonly Inner _inner = new();
    private readonly GroundTruthTrackSink _sink;
    private readonly LoadedModel _model;

    public GroundTruthTrackSinkTests()
    {
        _model = SeedModel.Load(_slot);
        _slot.Publish(_model);
        _sink = new GroundTruthTrackSink("cam1", _scorer, new TrackerOptions(), _inner);
    }

    public void Dispose() => _slot.Dispose();

    private sealed class Inner : ITrackSink
    {
        public int Frames { get; private set; }
        public List<TrackedVehicle> Vehicles { get; } = [];
        public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds) => Frames++;

        public ValueTask CompleteAsync(TrackedVehicle vehicle)
        {
            Vehicles.Add(vehicle);
            return ValueTask.CompletedTask;
        }
    }

    private static FrameTruth Truth(long index, params TruthObject[] objects) => new(index, index * 40, objects);

    [Fact]
    public async Task A_vehicle_gets_the_label_of_the_truth_vehicle_its_track_overlapped_most_often()
    {
        var van = new TruthObject(7, "van", new Rect(100, 100, 60, 40), 1);
        var car = new TruthObject(8, "car", new Rect(300, 100, 60, 40), 1);
        for (long i = 0; i < 3; i++)
        {
            // Two frames on the van, one on the car: the van wins.
            var box = i < 2 ? new Rect(104, 102, 60, 40) : new Rect(302, 100, 60, 40);
            using var frame = Frame(_model, i, [(box, 0.9f)], Truth(i, van, car));
            _sink.Observe(frame, [1]);
        }

        await _sink.CompleteAsync(Ended(_model, 1, "car", 0.9));

        Assert.Equal(3, _inner.Frames);
        Assert.Equal("van", Assert.Single(_inner.Vehicles).TruthLabel);
        var summary = _scorer.Summarise();
        Assert.Equal(0.5, summary.CountRecall); // the van was counted, the car was not
        Assert.Equal(0, summary.Precision["van"]); // the van was called a car
        Assert.Equal(_model.Labels, summary.Vehicles.Keys); // labels come from the frame's model
    }

    [Fact]
    public async Task A_box_that_overlaps_no_truth_vehicle_well_enough_leaves_the_vehicle_unmatched()
    {
        var van = new TruthObject(7, "van", new Rect(100, 100, 60, 40), 1);
        using (var frame = Frame(_model, 0, [(new Rect(150, 130, 60, 40), 0.9f)], Truth(0, van)))
            _sink.Observe(frame, [1]);

        await _sink.CompleteAsync(Ended(_model, 1, "car", 0.9));

        Assert.Null(Assert.Single(_inner.Vehicles).TruthLabel);
        Assert.Equal(1, _scorer.Summarise().UnmatchedEvents);
    }

    [Fact]
    public void Frames_without_truth_are_handed_on_and_score_nothing()
    {
        using var frame = Frame(_model, 0, [(new Rect(0, 0, 20, 20), 0.9f)]);

        _sink.Observe(frame, [1]);

        Assert.Equal(1, _inner.Frames);
        Assert.False(_scorer.HasTruth);
    }
}
