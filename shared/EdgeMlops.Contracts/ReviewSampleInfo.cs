using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// The metadata of a vehicle crop kept for review and retraining. The JPEG itself travels beside this message
/// (its own column on the edge, a binary payload on the wire), never inside the JSON.
/// </summary>
/// <param name="DeviceId">The edge device.</param>
/// <param name="CameraId">The camera on that device.</param>
/// <param name="SampleId">Unique id of the sample, chosen by the device.</param>
/// <param name="TrackId">The track the crop belongs to.</param>
/// <param name="CapturedAt">When the frame was captured.</param>
/// <param name="ModelName">The classifier's name.</param>
/// <param name="ModelVersion">The classifier's version.</param>
/// <param name="PredictedLabel">The class the classifier chose.</param>
/// <param name="Confidence">Its probability, in [0, 1].</param>
/// <param name="Probabilities">Probability per class.</param>
/// <param name="Reason">One of <see cref="SampleReasons"/>.</param>
/// <param name="TruthLabel">The true class, when the source carries ground truth.</param>
public sealed record ReviewSampleInfo(
    string DeviceId,
    string CameraId,
    string SampleId,
    long TrackId,
    DateTimeOffset CapturedAt,
    string ModelName,
    string ModelVersion,
    string PredictedLabel,
    double Confidence,
    IReadOnlyDictionary<string, double> Probabilities,
    string Reason,
    string? TruthLabel = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
