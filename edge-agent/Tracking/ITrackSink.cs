using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>A vehicle whose track ended, with the model that classified it last and, when known, its ground-truth label.</summary>
public sealed record TrackedVehicle(CompletedTrack Track, LoadedModel Model, string? TruthLabel = null);

/// <summary>What the tracking stage hands on: every tracked frame, and every vehicle once its track ends.</summary>
public interface ITrackSink
{
    /// <summary>A classified frame after the tracker linked it: <paramref name="trackIds"/>[i] is the track of box i. The frame is disposed after this returns.</summary>
    void Observe(FrameCrops frame, IReadOnlyList<long> trackIds);

    /// <summary>A vehicle left the view (or the stream ended).</summary>
    ValueTask CompleteAsync(TrackedVehicle vehicle);
}
