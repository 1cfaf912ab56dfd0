using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Review;

/// <summary><c>Hub:Review</c>: how often reviewed precision goes back to the boxes, and the simulated reviewer.</summary>
public sealed class ReviewOptions
{
    public const string Section = "Hub:Review";

    /// <summary>
    /// How often the hub looks for labels given or withdrawn and writes the changed devices' <c>reviewedPrecision</c>:
    /// the debounce that turns a reviewer's burst of labels into one desired-state revision.
    /// </summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(30);

    public SimulatedReviewerOptions SimulatedReviewer { get; set; } = new();
}

/// <summary><c>Hub:Review:SimulatedReviewer</c>: labels samples from synthetic ground truth, for scenarios and tests only.</summary>
public sealed class SimulatedReviewerOptions
{
    /// <summary>Off unless set: its labels are not a person's judgement.</summary>
    public bool Enabled { get; set; }

    public double LabelsPerMinute { get; set; } = 60;
}

/// <summary>Refuses <see cref="ReviewOptions"/> out of range, naming the key.</summary>
public sealed class ReviewOptionsValidator : IValidateOptions<ReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewOptions options)
    {
        if (options.PublishInterval <= TimeSpan.Zero || options.PublishInterval > TimeSpan.FromHours(1))
            return ValidateOptionsResult.Fail($"{ReviewOptions.Section}:PublishInterval must be over 0 and at most 1 hour, got {options.PublishInterval}");
        var rate = options.SimulatedReviewer.LabelsPerMinute;
        if (!double.IsFinite(rate) || rate <= 0 || rate > 60_000)
            return ValidateOptionsResult.Fail($"{ReviewOptions.Section}:SimulatedReviewer:LabelsPerMinute must be over 0 and at most 60000, got {rate}");
        return ValidateOptionsResult.Success;
    }
}
