using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>The states of a sample's review outcome (<c>review_outcomes.state</c>), and <see cref="Unlabelled"/> for none.</summary>
public static class ReviewStates
{
    public const string Unlabelled = "unlabelled";
    public const string Labelled = "labelled";
    public const string Unsure = "unsure";
    public const string Conflict = "conflict";

    /// <summary>What the listing's <c>state</c> filter takes.</summary>
    public static readonly IReadOnlyList<string> Filters = [Unlabelled, Labelled, Unsure, Conflict, "all"];
}

/// <summary>
/// What a sample's reviewers agree on, from their standing labels (one per reviewer, withdrawn ones left out).
/// </summary>
/// <remarks>
/// The rule: <c>unsure</c> abstains. Among the other labels the one given by strictly more reviewers than any other
/// wins (<see cref="ReviewStates.Labelled"/>); a tie between different labels is a <see cref="ReviewStates.Conflict"/>,
/// which a further reviewer settles by siding with one label, or a withdrawal settles by removing one side. Only
/// abstentions: <see cref="ReviewStates.Unsure"/>. No standing label: no outcome (the sample is unlabelled again).
/// A conflict is never resolved by recency: the later of two reviewers does not overwrite the earlier one.
/// </remarks>
public sealed record ReviewVerdict(string State, string? Label)
{
    /// <summary>The verdict of <paramref name="standingLabels"/>; null when there are none.</summary>
    public static ReviewVerdict? Of(IReadOnlyCollection<string> standingLabels)
    {
        if (standingLabels.Count == 0)
            return null;
        var votes = standingLabels.Where(label => label != ReviewLabels.Unsure)
            .GroupBy(label => label, StringComparer.Ordinal)
            .Select(group => (Label: group.Key, Count: group.Count()))
            .OrderByDescending(vote => vote.Count)
            .ToList();
        if (votes.Count == 0)
            return new(ReviewStates.Unsure, null);
        if (votes.Count > 1 && votes[0].Count == votes[1].Count)
            return new(ReviewStates.Conflict, null);
        return new(ReviewStates.Labelled, votes[0].Label);
    }
}
