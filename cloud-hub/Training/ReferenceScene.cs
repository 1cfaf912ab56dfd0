using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Vision;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// Measures a model's <see cref="ReferenceDistributions"/> on a synthetic day road: frames of a
/// <see cref="HighwayScene"/> (its default class mix), every visible vehicle cropped as the box crops a proposal
/// (<see cref="CropGeometry.SquareAround"/>), classified through the runtime the box uses and calibrated with the
/// package's temperature.
/// </summary>
public static class ReferenceScene
{
    /// <summary>Sightings per second of scene: enough frames per vehicle for a per-vehicle mean, few enough to stay quick.</summary>
    public const int SightingsPerSecond = 5;

    /// <summary>Vehicles less visible than this (entering, leaving, hidden) are left out: a proposal rarely covers them well.</summary>
    public const double MinVisible = 0.5;

    public static ReferenceDistributions Measure(ClassifierSession session, double temperature, int seed, TimeSpan duration)
    {
        var labels = session.Signature.Labels;
        var profile = new ReferenceProfile(labels);
        using var scene = new HighwayScene(new HighwaySceneOptions { Seed = seed });
        using var frame = new Mat();
        int every = Math.Max(1, (int)Math.Round(scene.Options.Fps / SightingsPerSecond));
        long frames = (long)Math.Round(duration.TotalSeconds * scene.Options.Fps);
        double frameArea = (double)scene.FrameSize.Width * scene.FrameSize.Height;
        var crops = new List<Mat>();
        var seen = new List<TruthObject>();
        for (long f = 0; f < frames; f++)
        {
            var truth = scene.Next(frame);
            if (f % every != 0) continue;
            foreach (var o in truth.Objects)
            {
                if (o.Visible < MinVisible || o.Box.Width <= 0 || o.Box.Height <= 0) continue;
                using var region = new Mat(frame, CropGeometry.SquareAround(o.Box, frame.Size()));
                crops.Add(region.Clone());
                seen.Add(o);
            }
            if (crops.Count >= session.MaxBatchSize) Classify(session, temperature, profile, crops, seen, frameArea);
        }
        Classify(session, temperature, profile, crops, seen, frameArea);
        return profile.Build();
    }

    private static void Classify(ClassifierSession session, double temperature, ReferenceProfile profile, List<Mat> crops, List<TruthObject> seen, double frameArea)
    {
        for (int start = 0; start < crops.Count; start += session.MaxBatchSize)
        {
            var batch = crops.GetRange(start, Math.Min(session.MaxBatchSize, crops.Count - start));
            var probabilities = session.Classify(batch).ToArray();
            int labels = session.LabelCount;
            for (int i = 0; i < batch.Count; i++)
            {
                var logits = probabilities.AsSpan(i * labels, labels).ToArray().Select(p => Math.Log(Math.Max(p, 1e-12))).ToList();
                var o = seen[start + i];
                profile.Add(o.TrackId, TemperatureFit.Softmax(logits, temperature), batch[i], o.Box.Width * (double)o.Box.Height / frameArea);
            }
        }
        crops.ForEach(c => c.Dispose());
        crops.Clear();
        seen.Clear();
    }
}
