using EdgeMlops.EdgeAgent.Models;

namespace EdgeMlops.EdgeAgent.Tests.Models;

public sealed class ModelOptionsTests
{
    private static ModelOptions Valid() => new() { PackagePath = SeedModel.PackagePath, TrustedKeysDirectory = SeedModel.TrustedKeys };

    [Fact]
    public void The_defaults_are_valid_and_the_cache_lives_in_the_state_directory()
    {
        var options = Valid();

        Assert.Empty(options.FindProblems());
        Assert.Equal(Path.Combine(options.StateDirectory, "cache"), options.CacheFolder);
    }

    [Theory]
    [InlineData(nameof(ModelOptions.DiskBudgetBytes), "Model:DiskBudgetBytes must be positive")]
    [InlineData(nameof(ModelOptions.KeepVersions), "Model:KeepVersions must be 1..100")]
    [InlineData(nameof(ModelOptions.LatencyBudgetMs), "Model:LatencyBudgetMs must be positive")]
    [InlineData(nameof(ModelOptions.ProbationSeconds), "Model:ProbationSeconds must be 0 to 604800")]
    [InlineData(nameof(ModelOptions.DownloadTimeout), "Model:DownloadTimeout must be positive")]
    [InlineData(nameof(ModelOptions.RetryMaxDelay), "Model:RetryMaxDelay must be at least RetryInitialDelay")]
    public void A_setting_out_of_range_is_named_in_the_problem(string setting, string problem)
    {
        var options = Valid();
        switch (setting)
        {
            case nameof(ModelOptions.DiskBudgetBytes): options.DiskBudgetBytes = 0; break;
            case nameof(ModelOptions.KeepVersions): options.KeepVersions = 0; break;
            case nameof(ModelOptions.LatencyBudgetMs): options.LatencyBudgetMs = -1; break;
            case nameof(ModelOptions.ProbationSeconds): options.ProbationSeconds = -1; break;
            case nameof(ModelOptions.DownloadTimeout): options.DownloadTimeout = TimeSpan.Zero; break;
            case nameof(ModelOptions.RetryMaxDelay): options.RetryMaxDelay = TimeSpan.FromMilliseconds(1); break;
        }

        Assert.Contains(options.FindProblems(), p => p.StartsWith(problem, StringComparison.Ordinal));
    }
}
