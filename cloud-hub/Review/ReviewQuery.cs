namespace EdgeMlops.CloudHub.Review;

/// <summary>The order of the review queue.</summary>
public enum ReviewOrder
{
    /// <summary>By capture time, oldest first.</summary>
    Oldest,

    /// <summary>Lowest confidence first (then oldest): the samples the model was least sure of.</summary>
    Hardest,
}

/// <summary>Which samples to list; null filters match everything. Confidence bounds are inclusive.</summary>
public sealed record ReviewFilter(
    string? DeviceId = null,
    string? CameraId = null,
    string? ModelName = null,
    string? ModelVersion = null,
    string? PredictedLabel = null,
    string? Reason = null,
    bool? NeedsReview = null,
    double? MinConfidence = null,
    double? MaxConfidence = null,
    string State = "all");

/// <summary>One page of the queue: <paramref name="After"/> is where the previous page ended (null for the first).</summary>
public sealed record ReviewQuery(ReviewFilter Filter, ReviewOrder Order, ReviewCursor? After, int Limit);
