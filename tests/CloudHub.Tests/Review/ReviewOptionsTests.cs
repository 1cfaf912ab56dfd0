using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Review;

public sealed class ReviewOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_with_the_simulated_reviewer_off()
    {
        var defaults = new ReviewOptions();
        Assert.True(new ReviewOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.False(defaults.SimulatedReviewer.Enabled);
    }

    [Theory]
    [InlineData("Hub:Review:PublishInterval", "00:00:00", "Hub:Review:PublishInterval must be over 0")]
    [InlineData("Hub:Review:SimulatedReviewer:LabelsPerMinute", "0", "Hub:Review:SimulatedReviewer:LabelsPerMinute must be over 0")]
    public async Task The_hub_refuses_to_start_with_a_setting_out_of_range_naming_it(string key, string value, string expected)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => InProcessHub.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void A_misspelt_review_key_is_refused_with_the_nearest_one()
    {
        var unknown = Assert.ThrowsAny<Exception>(() => new InProcessHub(settings: new Dictionary<string, string?> { ["Hub:Review:SimulatedReviewer:Enabeld"] = "true" }));
        Assert.Contains("Hub:Review:SimulatedReviewer:Enabled", unknown.Message);
    }
}
