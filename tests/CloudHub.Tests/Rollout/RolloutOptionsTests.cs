using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Rollout;

public sealed class RolloutOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.True(new RolloutOptionsValidator().Validate(null, new RolloutOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(RolloutOptions.Tick), "Hub:Rollout:Tick")]
    [InlineData(nameof(RolloutOptions.WaveFactor), "waveFactor: 9")]
    [InlineData(nameof(RolloutOptions.AbortThreshold), "abortThreshold: 0")]
    [InlineData(nameof(RolloutOptions.AbortMin), "abortMin: 0")]
    [InlineData(nameof(RolloutOptions.DeviceTimeout), "deviceTimeout")]
    public void A_setting_out_of_range_is_refused_naming_it(string setting, string expected)
    {
        var options = new RolloutOptions();
        switch (setting)
        {
            case nameof(RolloutOptions.Tick): options.Tick = TimeSpan.Zero; break;
            case nameof(RolloutOptions.WaveFactor): options.WaveFactor = 9; break;
            case nameof(RolloutOptions.AbortThreshold): options.AbortThreshold = 0; break;
            case nameof(RolloutOptions.AbortMin): options.AbortMin = 0; break;
            default: options.DeviceTimeout = TimeSpan.Zero; break;
        }

        var result = new RolloutOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public async Task The_hub_refuses_to_start_with_an_invalid_rollout_setting_or_an_unknown_rollout_key()
    {
        var invalid = await Assert.ThrowsAnyAsync<Exception>(() => InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Rollout:WaveFactor"] = "9" }));
        Assert.Contains("waveFactor: 9", invalid.Message);
        var unknown = Assert.ThrowsAny<Exception>(() => new InProcessHub(settings: new Dictionary<string, string?> { ["Hub:Rollout:Tik"] = "00:00:01" }));
        Assert.Contains("Hub:Rollout:Tik", unknown.Message);
    }

    [Theory]
    [InlineData(null, "2", "site=north", "model: required")]
    [InlineData("m", " ", "site=north", "version: required")]
    [InlineData("m", "2", null, "devices or selector")]
    [InlineData("m", "2", "site=", "selector: selector 'site=': bad value at position 6")]
    public void A_bad_request_names_the_field(string? model, string? version, string? selector, string expected)
    {
        var (plan, problem) = new RolloutRequest(model, version, Selector: selector).ToPlan(new RolloutOptions());

        Assert.Null(plan);
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void Waves_after_the_canaries_grow_by_the_factor()
    {
        var devices = Enumerable.Range(1, 20).Select(i => $"d{i}").ToList();

        var waves = RolloutTargets.AssignWaves(devices, canary: 2, waveBase: 2, factor: 2).GroupBy(w => w.Wave).Select(g => g.Count()).ToList();

        Assert.Equal([2, 2, 4, 8, 4], waves);
        Assert.Equal([1, 1, 1], RolloutTargets.AssignWaves(devices.Take(3).ToList(), canary: 0, waveBase: 1, factor: 1).GroupBy(w => w.Wave).Select(g => g.Count()));
    }
}
