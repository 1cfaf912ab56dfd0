using EdgeMlops.Contracts;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// One vehicle, reported once when its track ends. Counting: with a counting line, the vehicles counted are the
/// tracks with <see cref="CrossedLine"/>; without one, every completed track.
/// </summary>
/// <param name="TrackId">Unique per camera and tracker, increasing.</param>
/// <param name="Label">The vote's winner: the label with the highest summed probability; null when no observation was classified.</param>
/// <param name="Confidence">The winner's mean probability over the classified observations.</param>
/// <param name="TopK">The best labels with their mean probabilities, highest first.</param>
/// <param name="BestBox">The box of the observation that gave the winning label its highest probability (the best crop for review); the last box when unclassified.</param>
/// <param name="Observations">Frames the track was seen in.</param>
/// <param name="Direction">Direction of the crossing; null when it did not cross.</param>
public sealed record CompletedTrack(
    string CameraId,
    long TrackId,
    string? Label,
    double Confidence,
    IReadOnlyList<LabelProbability> TopK,
    Rect LastBox,
    Rect BestBox,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Observations,
    bool CrossedLine,
    CrossingDirection? Direction,
    TrackEndReason EndReason)
{
    /// <summary>What a vehicle whose observations were never classified is reported as.</summary>
    public const string UnknownLabel = "unknown";
}
