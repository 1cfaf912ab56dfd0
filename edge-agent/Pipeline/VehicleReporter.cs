using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// The end of one camera's pipeline: each vehicle becomes one <see cref="Contracts.VehicleEvent"/> in the store and in
/// the camera's counts, and the review sampler sees every tracked frame, judges each vehicle against the model's
/// certainty threshold (the event says whether it needs review) and may keep it as a sample.
/// </summary>
public sealed class VehicleReporter(string deviceId, CameraMetrics metrics, TelemetryQueue telemetry, ReviewSampler sampler) : ITrackSink
{
    public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds) => sampler.Observe(frame, trackIds);

    public async ValueTask CompleteAsync(TrackedVehicle vehicle)
    {
        using var review = sampler.Review(vehicle);
        var vehicleEvent = VehicleEventFactory.Create(deviceId, vehicle.Track, vehicle.Model.Name, vehicle.Model.Version, vehicle.TruthLabel,
            review.NeedsReview);
        metrics.Vehicle(vehicleEvent.Label);
        await telemetry.WriteAsync(vehicleEvent);
        if (await sampler.SampleAsync(review, vehicleEvent)) metrics.Sampled();
    }
}
