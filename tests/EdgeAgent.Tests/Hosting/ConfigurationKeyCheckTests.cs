using EdgeMlops.Configuration;
using Microsoft.Extensions.Hosting;

namespace EdgeMlops.EdgeAgent.Tests.Hosting;

/// <summary>The agent's configuration key check over its real composition: what it accepts, what it refuses and what it suggests.</summary>
public sealed class ConfigurationKeyCheckTests
{
    private static IReadOnlyList<string> Problems(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(CommandLineAliases.Rewrite(args));
        builder.AddEdgeAgent();
        return ConfigurationCheck.Problems(builder.Configuration, builder.ConfigurationKeys(), CommandLineAliases.Options);
    }

    [Fact]
    public void Every_kind_of_valid_key_passes_and_the_machines_other_environment_variables_are_not_checked()
    {
        // The host reads this process's whole environment (PATH, HOME, DOTNET_...): none of it is ours to refuse.
        Assert.Empty(Problems(
            "--camera", "synthetic://highway?seed=1", "--duration", "5s", "--db", "x.db",
            "--Cameras:1:Id=west", "--Cameras:1:Source=x.mp4", "--Cameras:1:Reconnect:MaxDelay=00:00:10",
            "--Cameras:1:RegionOfInterest:0:X=3", "--Sync:Password=secret", "--Batching:MaxBatchSize=16",
            "--Logging:LogLevel:EdgeMlops.EdgeAgent=Debug", "--sync:enabled=FALSE"));
    }

    [Fact]
    public void Each_unknown_key_is_named_once_with_its_nearest_valid_key()
    {
        var problems = Problems("--Sync:Pasword=x", "--Batching:MaxBachSize=4", "--Cameras:3:Sourse=x");

        Assert.Equal(
            new[]
            {
                "unknown option --Batching:MaxBachSize; did you mean --Batching:MaxBatchSize?",
                "unknown option --Cameras:3:Sourse; did you mean --Cameras:3:Source?",
                "unknown option --Sync:Pasword; did you mean --Sync:Password?",
            },
            problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_value_the_binder_cannot_convert_is_named_with_what_was_expected()
    {
        var problem = Assert.Single(Problems("--Cameras:0:Id=a", "--Cameras:0:Source=x", "--Cameras:0:Proposals=Sometimes"));

        Assert.StartsWith("invalid value 'Sometimes' for --Cameras:0:Proposals: expected one of", problem);
        Assert.Contains("GroundTruth", problem);
    }
}
