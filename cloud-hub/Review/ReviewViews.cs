using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// A sample in the review queue: what the model said (its top three classes), why the box kept it, where its crop is,
/// and every label given so far. <paramref name="State"/> is <c>unlabelled</c>, <c>labelled</c>, <c>unsure</c> or
/// <c>conflict</c>; <paramref name="AgreedLabel"/> is set when labelled. The synthetic truth a sample may carry is never
/// shown: a reviewer who saw it would copy it.
/// </summary>
public sealed record ReviewItemView(
    string DeviceId,
    long Epoch,
    long Seq,
    string Key,
    string CameraId,
    string ModelName,
    string ModelVersion,
    string PredictedLabel,
    double Confidence,
    IReadOnlyList<LabelProbability> Top3,
    string Reason,
    bool NeedsReview,
    DateTimeOffset CapturedAt,
    string ImageUrl,
    string State,
    string? AgreedLabel,
    IReadOnlyList<ReviewLabelView> Labels,
    IReadOnlyList<string> AllowedLabels);

/// <summary>One label given; <paramref name="Simulated"/> marks the simulated reviewer's, <paramref name="WithdrawnAt"/> an undone or replaced one.</summary>
public sealed record ReviewLabelView(string Reviewer, string Label, bool Simulated, DateTimeOffset LabelledAt, DateTimeOffset? WithdrawnAt);

/// <summary>A page of the queue and where the next one starts (null on the last page).</summary>
public sealed record ReviewPageView(IReadOnlyList<ReviewItemView> Items, string? NextCursor);

/// <summary>
/// Where the review stands: samples per outcome state, per reason (and state), per device and camera (and state);
/// standing labels by people and by the simulated reviewer; agreement among samples that two or more reviewers
/// labelled decisively (unsure abstains), and the conflicts open.
/// </summary>
public sealed record ReviewStatsView(
    long Samples,
    IReadOnlyDictionary<string, long> States,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Reasons,
    IReadOnlyList<ReviewCameraStatsView> Cameras,
    ReviewLabelStatsView Labels,
    ReviewAgreementView Agreement,
    long Conflicts);

public sealed record ReviewCameraStatsView(string DeviceId, string CameraId, long Samples, IReadOnlyDictionary<string, long> States);

/// <summary>Standing labels: <paramref name="Human"/> by operators, <paramref name="Simulated"/> by the simulated reviewer.</summary>
public sealed record ReviewLabelStatsView(long Human, long Simulated, long Reviewers);

/// <summary>Of <paramref name="MultiplyReviewed"/> samples, <paramref name="Agreed"/> had every decisive label the same; <paramref name="Rate"/> is null when none.</summary>
public sealed record ReviewAgreementView(long MultiplyReviewed, long Agreed, double? Rate);
