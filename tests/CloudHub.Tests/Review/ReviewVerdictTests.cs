using EdgeMlops.CloudHub.Review;

namespace EdgeMlops.CloudHub.Tests.Review;

public sealed class ReviewVerdictTests
{
    [Fact]
    public void No_standing_label_is_no_outcome() => Assert.Null(ReviewVerdict.Of([]));

    [Fact]
    public void Two_different_labels_are_a_conflict_and_a_third_settles_it_by_majority()
    {
        Assert.Equal(new ReviewVerdict(ReviewStates.Conflict, null), ReviewVerdict.Of(["car", "van"]));
        Assert.Equal(new ReviewVerdict(ReviewStates.Labelled, "van"), ReviewVerdict.Of(["car", "van", "van"]));
        Assert.Equal(new ReviewVerdict(ReviewStates.Conflict, null), ReviewVerdict.Of(["car", "van", "bus"]));
    }

    [Fact]
    public void Unsure_abstains()
    {
        Assert.Equal(new ReviewVerdict(ReviewStates.Unsure, null), ReviewVerdict.Of(["unsure", "unsure"]));
        Assert.Equal(new ReviewVerdict(ReviewStates.Labelled, "not-a-vehicle"), ReviewVerdict.Of(["unsure", "not-a-vehicle"]));
        Assert.Equal(new ReviewVerdict(ReviewStates.Conflict, null), ReviewVerdict.Of(["car", "unsure", "van"]));
    }
}
