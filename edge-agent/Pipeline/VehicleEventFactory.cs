using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Tracking;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>Turns a completed track into the versioned <see cref="VehicleEvent"/> contract.</summary>
/// <remarks><c>needsReview</c>: under the model's certainty threshold (see <see cref="Sampling.ReviewSampler.Review"/>); null when the model has none.</remarks>
public static class VehicleEventFactory
{
    public static VehicleEvent Create(string deviceId, CompletedTrack track, string modelName, string modelVersion, string? truthLabel,
        bool? needsReview = null)
    {
        var box = track.BestBox;
        return new VehicleEvent(deviceId, track.CameraId, track.TrackId, track.Label ?? CompletedTrack.UnknownLabel, Math.Round(track.Confidence, 4),
            track.TopK.Select(p => new LabelProbability(p.Label, Math.Round(p.Probability, 4))).ToList(),
            new PixelBox(box.X, box.Y, box.Width, box.Height), track.FirstSeen, track.LastSeen, track.Observations,
            modelName, modelVersion, truthLabel, track.CrossedLine, needsReview);
    }
}
