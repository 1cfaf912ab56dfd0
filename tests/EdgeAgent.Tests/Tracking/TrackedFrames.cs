using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

/// <summary>Classified frames and ended tracks as the tracking stage hands them to its sink.</summary>
internal static class TrackedFrames
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A frame of one camera whose boxes were classified by <paramref name="model"/> with one confidence each (the rest shared by the other labels).</summary>
    public static FrameCrops Frame(LoadedModel model, long index, IReadOnlyList<(Rect Box, float Confidence)> boxes, FrameTruth? truth = null)
    {
        var frame = new FrameCrops("cam1", index, Start.AddSeconds(index), Start.AddSeconds(index), boxes.Select(b => b.Box).ToList(),
            boxes.Select(b => new Mat(b.Box.Height, b.Box.Width, MatType.CV_8UC3, Scalar.All(40 + 10 * index))).ToList(), truth,
            Channel.CreateUnbounded<FrameCrops>().Writer);
        int labels = model.Labels.Count;
        for (int i = 0; i < boxes.Count; i++)
        {
            var rest = (1 - boxes[i].Confidence) / (labels - 1);
            frame.Probabilities[i] = [boxes[i].Confidence, .. Enumerable.Repeat(rest, labels - 1)];
        }
        frame.Model = model;
        return frame;
    }

    public static TrackedVehicle Ended(LoadedModel model, long trackId, string? label, double confidence) =>
        new(new CompletedTrack("cam1", trackId, label, confidence, [], new Rect(0, 0, 10, 10), new Rect(0, 0, 10, 10), Start, Start.AddSeconds(2),
            5, false, null, TrackEndReason.Lost), model);
}
