using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// One box seen in a frame, with the classifier's probabilities for it when it was classified. A box the
/// classifier never saw (its crop was dropped under load) still moves its track, but does not vote.
/// </summary>
/// <param name="Box">In frame pixels.</param>
/// <param name="Labels">The model's labels, in the order of <paramref name="Probabilities"/>; null when unclassified.</param>
/// <param name="Probabilities">One probability per label; only read during the update it is passed to.</param>
public readonly record struct TrackObservation(Rect Box, IReadOnlyList<string>? Labels = null, ReadOnlyMemory<float> Probabilities = default)
{
    public bool IsClassified => Labels is not null && !Probabilities.IsEmpty;
}
