using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// A device's reviewed precision per camera and model version, from the review outcomes: per predicted class the share
/// the reviewers found right (<c>not-a-vehicle</c> counts against the class the model gave), macro over the classes
/// predicted, with the mean of the per-class 95% Wilson bounds (the same rule as the hub's precision figures).
/// Unsure samples and open conflicts count for nothing.
/// </summary>
/// <remarks>
/// Reads <c>review_outcomes</c> directly; once the monitoring reader (<see cref="IPrecisionReader"/>, source
/// <c>review</c>) is in, this class is the one place to switch to it. The samples are the box's hard examples plus a
/// random share, so the figure leans low against precision over all events: it is a review figure, not an estimate of
/// the whole stream.
/// </remarks>
public sealed class ReviewedPrecisionCalculator(ReviewStore store)
{
    /// <summary>The device's figures, most-reviewed first, at most as many as the contract carries.</summary>
    public IReadOnlyList<CameraReviewedPrecision> Of(string deviceId, DateTimeOffset at) =>
        store.ReviewedCounts(deviceId)
            .GroupBy(c => (c.CameraId, c.ModelVersion))
            .Select(series => Figure(series.Key.CameraId, series.Key.ModelVersion, series.ToList(), at))
            .OrderByDescending(f => f.Samples).ThenBy(f => f.CameraId, StringComparer.Ordinal).ThenBy(f => f.ModelVersion, StringComparer.Ordinal)
            .Take(FieldLimits.Stages)
            .ToList();

    private static CameraReviewedPrecision Figure(string cameraId, string modelVersion, IReadOnlyList<ReviewedClassCount> classes, DateTimeOffset at)
    {
        var intervals = classes.Select(c => WilsonInterval.Of(c.Correct, c.Reviewed)).ToList();
        // Rounded so a figure that did not change compares equal, and the box's status line is not noise.
        var precision = Math.Round(classes.Average(c => (double)c.Correct / c.Reviewed), 4);
        var lower = Math.Min(precision, Math.Round(intervals.Average(i => i.Lower), 4));
        var upper = Math.Max(precision, Math.Round(intervals.Average(i => i.Upper), 4));
        return new CameraReviewedPrecision(cameraId, modelVersion, precision, lower, upper, classes.Sum(c => c.Reviewed), at);
    }
}
