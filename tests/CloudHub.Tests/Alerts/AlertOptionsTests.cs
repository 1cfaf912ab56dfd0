using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Alerts;

public sealed class AlertOptionsTests
{
    private static AlertOptions WithOverrides() => new()
    {
        Threshold = 0.40,
        Thresholds = new AlertThresholds
        {
            Tags = new() { ["site"] = new() { ["north"] = 0.50, ["south"] = 0.30 }, ["lane"] = new() { ["bus"] = 0.55 } },
            Models = new() { ["vehicle-classifier"] = 0.45 },
        },
    };

    [Fact]
    public void A_model_override_wins_over_tags_and_the_global_threshold() =>
        Assert.Equal(0.45, AlertThresholdResolver.For(WithOverrides(), "vehicle-classifier", new Dictionary<string, string> { ["site"] = "north" }));

    [Fact]
    public void A_tag_override_wins_over_the_global_threshold() =>
        Assert.Equal(0.30, AlertThresholdResolver.For(WithOverrides(), "other-model", new Dictionary<string, string> { ["site"] = "south" }));

    [Fact]
    public void When_several_tags_match_the_highest_threshold_wins() =>
        Assert.Equal(0.55, AlertThresholdResolver.For(WithOverrides(), "other-model", new Dictionary<string, string> { ["site"] = "south", ["lane"] = "bus" }));

    [Fact]
    public void Without_a_matching_override_the_global_threshold_applies() =>
        Assert.Equal(0.40, AlertThresholdResolver.For(WithOverrides(), "other-model", new Dictionary<string, string> { ["site"] = "east" }));

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        var options = WithOverrides();
        options.Threshold = 1.5;
        options.Thresholds.Tags["site"]["north"] = 0;
        options.MinSamples = 0;
        options.Window = TimeSpan.Zero;

        var result = new AlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Hub:Alerts:Threshold must be", result.FailureMessage);
        Assert.Contains("Hub:Alerts:Thresholds:Tags:site:north", result.FailureMessage);
        Assert.Contains("Hub:Alerts:MinSamples", result.FailureMessage);
        Assert.Contains("Hub:Alerts:Window", result.FailureMessage);
        Assert.True(new AlertOptionsValidator().Validate(null, new AlertOptions()).Succeeded);
    }

    [Fact]
    public async Task A_hub_with_a_bad_alerts_section_does_not_start_and_names_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Alerts:Thresholds:Models:vehicle-classifier"] = "45" }));
        Assert.Contains("Hub:Alerts:Thresholds:Models:vehicle-classifier", error.Message);

        var typo = Assert.Throws<ConfigurationKeyException>(() => new InProcessHub(settings: new Dictionary<string, string?> { ["Hub:Alerts:Treshold"] = "0.5" }));
        Assert.Contains("Hub:Alerts:Threshold", typo.Message);
    }
}
