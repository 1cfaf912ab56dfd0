using EdgeMlops.Contracts;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>Turns a completed track's vote into the versioned <see cref="VehicleEvent"/> contract.</summary>
public static class VehicleEventFactory
{
    public const int TopK = 3;

    public static VehicleEvent Create(string deviceId, string cameraId, long trackId, TrackVote vote,
        IReadOnlyList<string> labels, string modelName, string modelVersion, string? truthLabel)
    {
        var mean = vote.Mean();
        var (winner, confidence) = vote.Winner();
        var topK = mean.Select((p, i) => new LabelProbability(labels[i], Math.Round(p, 4)))
            .OrderByDescending(p => p.Probability).Take(TopK).ToList();
        Rect box = vote.LastBox;
        return new VehicleEvent(deviceId, cameraId, trackId, labels[winner], Math.Round(confidence, 4), topK,
            new PixelBox(box.X, box.Y, box.Width, box.Height), vote.FirstSeen, vote.LastSeen, vote.Observations,
            modelName, modelVersion, truthLabel);
    }
}
