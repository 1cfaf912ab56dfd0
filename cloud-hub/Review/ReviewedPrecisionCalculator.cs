using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// A device's reviewed precision per camera and model version: the hub's macro figure of source <c>review</c>
/// (<see cref="IPrecisionReader"/>) over every sample ever reviewed: per predicted class the share the reviewers found
/// right (<c>not-a-vehicle</c> counts against the class the model gave), the mean over the classes predicted, with the
/// 95% Wilson interval of that mean at its effective sample size (WilsonInterval.OfMean). Unsure samples and open conflicts count for nothing.
/// </summary>
/// <remarks>
/// The samples are the box's hard examples plus a random share, so the figure leans low against precision over all
/// events: it is a review figure, not an estimate of the whole stream.
/// </remarks>
public sealed class ReviewedPrecisionCalculator(IPrecisionReader precision)
{
    /// <summary>The device's figures, most-reviewed first, at most as many as the contract carries.</summary>
    public IReadOnlyList<CameraReviewedPrecision> Of(string deviceId, DateTimeOffset at) =>
        precision.Figures(new PrecisionQuery(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, DeviceId: deviceId, Source: PrecisionSources.Review))
            .Where(f => f.Metric == PrecisionFigure.Macro && f.CameraId is not null)
            // The contract names no model: a camera that ran two models of one version keeps the better-reviewed one.
            .OrderByDescending(f => f.Samples).ThenBy(f => f.CameraId, StringComparer.Ordinal).ThenBy(f => f.ModelVersion, StringComparer.Ordinal)
            .DistinctBy(f => (f.CameraId, f.ModelVersion))
            .Take(FieldLimits.Stages)
            .Select(f => Rounded(f, at))
            .ToList();

    // Rounded so a figure that did not change compares equal, and the box's status line is not noise.
    private static CameraReviewedPrecision Rounded(PrecisionFigure figure, DateTimeOffset at)
    {
        var value = Math.Round(figure.Precision, 4);
        return new CameraReviewedPrecision(figure.CameraId!, figure.ModelVersion, value,
            Math.Min(value, Math.Round(figure.Lower, 4)), Math.Max(value, Math.Round(figure.Upper, 4)), (long)figure.Samples, at);
    }
}
