using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>A vehicle a camera saw, tracked and classified: emitted when its track completes or crosses the counting line.</summary>
/// <param name="DeviceId">The edge device.</param>
/// <param name="CameraId">The camera on that device.</param>
/// <param name="TrackId">The tracker's id, unique per camera while the agent runs.</param>
/// <param name="Label">The class the track's vote settled on.</param>
/// <param name="Confidence">The winning class's probability, in [0, 1].</param>
/// <param name="TopK">The most probable classes, most probable first.</param>
/// <param name="Box">The vehicle's box in the frame where it was seen best.</param>
/// <param name="FirstSeen">When the track started.</param>
/// <param name="LastSeen">When the track was last updated.</param>
/// <param name="Observations">Frames in which the vehicle was seen.</param>
/// <param name="ModelName">The classifier's name.</param>
/// <param name="ModelVersion">The classifier's version: every event says which model produced it.</param>
/// <param name="TruthLabel">The true class, when the source carries ground truth (synthetic video, a roadside feed).</param>
/// <param name="CrossedLine">Whether the track crossed the camera's counting line, when the camera has one.</param>
/// <param name="NeedsReview">True when <paramref name="Confidence"/> is under the model's certainty threshold: the box did not act alone, a human must look (its crop is always sampled); absent when the model has no threshold.</param>
public sealed record VehicleEvent(
    string DeviceId,
    string CameraId,
    long TrackId,
    string Label,
    double Confidence,
    IReadOnlyList<LabelProbability> TopK,
    PixelBox Box,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Observations,
    string ModelName,
    string ModelVersion,
    string? TruthLabel = null,
    bool? CrossedLine = null,
    bool? NeedsReview = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
