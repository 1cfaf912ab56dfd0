namespace EdgeMlops.Contracts;

/// <summary>Why a crop was kept for review (<see cref="ReviewSampleInfo.Reason"/>).</summary>
public static class SampleReasons
{
    /// <summary>The classifier was unsure: confidence under the sampling threshold.</summary>
    public const string LowConfidence = "low-confidence";

    /// <summary>Picked at random, so that review also sees what the model believes it gets right.</summary>
    public const string Random = "random";

    /// <summary>The probabilities were spread over several classes: entropy over the sampling threshold.</summary>
    public const string HighEntropy = "high-entropy";

    /// <summary>The track's frames voted for different classes.</summary>
    public const string VoteDisagreement = "vote-disagreement";

    /// <summary>Under the model's certainty threshold: the event is marked needs-review and its crop always goes to the queue.</summary>
    public const string NeedsReview = "needs-review";

    /// <summary>Every reason, most important first (a sample taken for several says the first).</summary>
    public static readonly IReadOnlyList<string> All = [NeedsReview, LowConfidence, HighEntropy, VoteDisagreement, Random];

    /// <summary>Whether <paramref name="reason"/> is one of the reasons above.</summary>
    public static bool IsKnown(string? reason) => reason is LowConfidence or Random or HighEntropy or VoteDisagreement or NeedsReview;
}
