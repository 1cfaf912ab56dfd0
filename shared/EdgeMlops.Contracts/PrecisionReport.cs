using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// Precision scores of one camera (or of the model's canary set) over one window, from one <see cref="PrecisionSources">source</see>.
/// The box writes one per camera, source and window into its outbox (kind <see cref="OutboxKinds.Precision"/>); the hub
/// keeps them per device, camera, model version and class, and computes macro figures and their intervals itself.
/// </summary>
/// <param name="DeviceId">The edge device.</param>
/// <param name="CameraId">The camera; absent for <see cref="PrecisionSources.Canary"/>, which scores the package's canary set, not a camera.</param>
/// <param name="ModelName">The classifier scored.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Source">Where the figures come from: one of <see cref="PrecisionSources"/> other than <see cref="PrecisionSources.Review"/>.</param>
/// <param name="WindowStart">Start of the window (inclusive).</param>
/// <param name="WindowEnd">End of the window (exclusive).</param>
/// <param name="Classes">Per predicted class: how many predictions, how many of them were right (or expected to be right, for an estimate).</param>
/// <param name="Drift">Drift signals of the window against the model's reference; only with <see cref="PrecisionSources.Estimated"/>, and only when the model's manifest carries a reference.</param>
public sealed record PrecisionReport(
    string DeviceId,
    // Written as null for the canary set: the constructor parameter is required when reading, so leaving it out would refuse every canary report.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CameraId,
    string ModelName,
    string ModelVersion,
    string Source,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    IReadOnlyDictionary<string, ClassPrecision> Classes,
    DriftSignals? Drift = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}

/// <summary>
/// Precision of one predicted class: <paramref name="Correct"/> out of <paramref name="Predicted"/>. Measured sources
/// hold whole counts; an estimate holds the expected number correct (the sum of calibrated confidences), so
/// <paramref name="Correct"/> may be fractional there.
/// </summary>
/// <param name="Predicted">Predictions of this class in the window (events, or canary images).</param>
/// <param name="Correct">Of those, how many were right; at most <paramref name="Predicted"/>.</param>
public sealed record ClassPrecision(double Predicted, double Correct);

/// <summary>
/// How far one window of a camera has moved from what the model saw at training time (its manifest's reference).
/// PSI and Jensen–Shannon distance (base 2, so in [0, 1]) over the class mix of events and over the histogram of their
/// confidences (10 equal bins over [0, 1]); input statistics of the crops the classifier was given.
/// </summary>
/// <param name="Events">Events the window's distributions were made from.</param>
/// <param name="ClassMixPsi">Population stability index of the class mix against the reference.</param>
/// <param name="ClassMixJs">Jensen–Shannon distance of the class mix against the reference.</param>
/// <param name="ConfidencePsi">Population stability index of the confidence histogram against the reference.</param>
/// <param name="ConfidenceJs">Jensen–Shannon distance of the confidence histogram against the reference.</param>
/// <param name="MeanBrightness">Mean luma of the crops, 0..255.</param>
/// <param name="MeanContrast">Mean standard deviation of luma within a crop, 0..255.</param>
/// <param name="MeanBoxArea">Mean proposal box area as a share of the frame, 0..1.</param>
public sealed record DriftSignals(
    long Events,
    double ClassMixPsi,
    double ClassMixJs,
    double ConfidencePsi,
    double ConfidenceJs,
    double? MeanBrightness = null,
    double? MeanContrast = null,
    double? MeanBoxArea = null);

/// <summary>Where a precision figure comes from (<see cref="PrecisionReport.Source"/>).</summary>
public static class PrecisionSources
{
    /// <summary>The package's labelled canary set, scored by the box at load and on a schedule.</summary>
    public const string Canary = "canary";

    /// <summary>Estimated from calibrated confidences alone (confidence-based performance estimation), no labels.</summary>
    public const string Estimated = "estimated";

    /// <summary>Measured against the source's own ground truth (synthetic scenarios, video with a truth sidecar).</summary>
    public const string Truth = "truth";

    /// <summary>Measured against a ground-truth feed (a roadside counter, an operator's labelled file).</summary>
    public const string Feed = "feed";

    /// <summary>Measured at the hub from operators' reviews of samples; never sent by a box.</summary>
    public const string Review = "review";

    /// <summary>Every source, in the order above.</summary>
    public static readonly IReadOnlyList<string> All = [Canary, Estimated, Truth, Feed, Review];

    /// <summary>Sources a box may send.</summary>
    public static bool IsFromDevice(string? source) => source is Canary or Estimated or Truth or Feed;

    /// <summary>Sources measured from labels (what the precision alert fires on).</summary>
    public static bool IsMeasured(string? source) => source is Truth or Feed or Review;
}
