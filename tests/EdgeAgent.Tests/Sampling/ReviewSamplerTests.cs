using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Models;
using EdgeMlops.EdgeAgent.Tracking;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using static EdgeMlops.EdgeAgent.Tests.Tracking.TrackedFrames;

namespace EdgeMlops.EdgeAgent.Tests.Sampling;

public sealed class ReviewSamplerTests : IDisposable
{
    private readonly ModelSlot _slot = new();
    private readonly LoadedModel _model;
    private readonly TelemetryQueue _telemetry = new(Options.Create(new EdgeStoreOptions()), TimeProvider.System, new FakeLogger<TelemetryQueue>());

    public ReviewSamplerTests()
    {
        _model = SeedModel.Load(_slot);
        _slot.Publish(_model);
    }

    public void Dispose() => _slot.Dispose();

    private ReviewSampler Sampler(double randomShare = 0) =>
        new("box-1", "cam1", new SampleOptions { LowConfidenceThreshold = 0.6, RandomShare = randomShare }, new TrackerOptions(), _telemetry);

    private static VehicleEvent Event(TrackedVehicle vehicle) =>
        new("box-1", "cam1", vehicle.Track.TrackId, vehicle.Track.Label!, vehicle.Track.Confidence, [], new PixelBox(0, 0, 10, 10),
            vehicle.Track.FirstSeen, vehicle.Track.LastSeen, 5, "m", "1", null, false);

    private void Observe(ReviewSampler sampler, long track, params float[] confidences)
    {
        for (int i = 0; i < confidences.Length; i++)
        {
            using var frame = Frame(_model, i, [(new Rect(10 * i, 0, 32, 32), confidences[i])]);
            sampler.Observe(frame, [track]);
        }
    }

    [Fact]
    public async Task A_vehicle_the_classifier_was_unsure_of_is_kept()
    {
        using var sampler = Sampler();
        Observe(sampler, 1, 0.8f, 0.4f, 0.7f);
        var vehicle = Ended(_model, 1, _model.Labels[0], 0.5);

        Assert.True(await sampler.SampleAsync(vehicle, Event(vehicle)));
        Assert.Equal(1, _telemetry.Depth);
    }

    [Fact]
    public async Task A_confident_vehicle_is_not_kept_when_no_random_share_is_asked_for()
    {
        using var sampler = Sampler(randomShare: 0);
        Observe(sampler, 1, 0.95f, 0.9f);
        var vehicle = Ended(_model, 1, _model.Labels[0], 0.92);

        Assert.False(await sampler.SampleAsync(vehicle, Event(vehicle)));
        Assert.Equal(0, _telemetry.Depth);
    }

    [Fact]
    public async Task Every_confident_vehicle_is_kept_when_the_random_share_is_all()
    {
        using var sampler = Sampler(randomShare: 1);
        Observe(sampler, 1, 0.95f);
        var vehicle = Ended(_model, 1, _model.Labels[0], 0.95);

        Assert.True(await sampler.SampleAsync(vehicle, Event(vehicle)));
    }

    [Fact]
    public async Task A_vehicle_never_seen_by_the_sampler_has_no_crop_to_keep()
    {
        using var sampler = Sampler();
        var vehicle = Ended(_model, 9, _model.Labels[0], 0.3);

        Assert.False(await sampler.SampleAsync(vehicle, Event(vehicle)));
    }
}
