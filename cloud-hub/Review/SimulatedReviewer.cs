using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// A stand-in for a person at the review queue, for scenarios and tests: it labels unlabelled samples that carry
/// synthetic ground truth (<c>truthLabel</c>: the true class, or <c>not-a-vehicle</c> when no true vehicle overlapped
/// the box) with that truth, oldest first, at <see cref="SimulatedReviewerOptions.LabelsPerMinute"/>. Never touches a
/// sample without truth. Runs only when <c>Hub:Review:SimulatedReviewer:Enabled</c> is true, and says so at start;
/// its labels are given as <see cref="ReviewStore.SimulatedReviewerName"/>, marked simulated, and audited like any other.
/// </summary>
public sealed class SimulatedReviewer(ReviewService review, ReviewStore store, IOptions<ReviewOptions> options, TimeProvider time, ILogger<SimulatedReviewer> logger)
    : BackgroundService
{
    private const int Lookahead = 64;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(2);

    // Samples whose truth is not an answer of their model (a class the model does not know): never labelled, never retried.
    private readonly HashSet<SampleKey> _unanswerable = [];

    /// <summary>Labels the oldest unlabelled sample with truth; false when there is none.</summary>
    public bool LabelNext()
    {
        foreach (var sample in store.UnlabelledWithTruth(Lookahead + _unanswerable.Count))
        {
            if (_unanswerable.Contains(sample.Key) || ReviewService.TruthOf(sample) is not { } truth)
                continue;
            var result = review.Label(sample.Key, truth, ReviewStore.SimulatedReviewerName, simulated: true);
            if (result.Outcome == ReviewChange.Done)
                return true;
            _unanswerable.Add(sample.Key);
            logger.LogWarning("Simulated reviewer skips sample {Sample}: its truth '{Truth}' is not an answer for {Model} {Version} ({Allowed})",
                sample.Key, truth, sample.ModelName, sample.ModelVersion, string.Join(", ", result.AllowedLabels));
        }
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.SimulatedReviewer;
        if (!settings.Enabled)
            return;
        logger.LogWarning("Simulated reviewer is ON (Hub:Review:SimulatedReviewer:Enabled): samples are labelled from synthetic ground truth as '{Reviewer}', not by a person, at {Rate} labels per minute",
            ReviewStore.SimulatedReviewerName, settings.LabelsPerMinute);
        var pace = TimeSpan.FromMinutes(1 / settings.LabelsPerMinute);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = pace;
            try
            {
                if (!LabelNext())
                    wait = pace > IdleWait ? pace : IdleWait;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Simulated reviewer failed to label; retrying");
                wait = IdleWait;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
