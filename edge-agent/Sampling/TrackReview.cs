using EdgeMlops.EdgeAgent.Tracking;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// A vehicle whose track ended, as the sampler judged it before its event is written: what was kept of it while in
/// view, its calibrated confidence and whether it is under the model's certainty threshold. Owns the evidence.
/// </summary>
/// <param name="Evidence">What the sampler kept of the track; null when it never saw the track classified.</param>
/// <param name="CalibratedConfidence">Mean calibrated probability of the voted label; null when not known.</param>
/// <param name="NeedsReview">Calibrated confidence under the model's certainty threshold; null when the model has none.</param>
public sealed record TrackReview(TrackedVehicle Vehicle, TrackEvidence? Evidence, double? CalibratedConfidence, bool? NeedsReview) : IDisposable
{
    public void Dispose() => Evidence?.Dispose();
}
