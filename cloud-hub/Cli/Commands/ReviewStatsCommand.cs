using System.Text.Json;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>review stats</c>: the review queue's statistics as JSON, the same as <c>GET /api/review/stats</c>.</summary>
public sealed class ReviewStatsCommand : ICliCommand
{
    public string Name => "review stats";
    public string Usage => "[--device ID] [--db PATH]";
    public string Summary => "Print the review statistics as JSON: samples per state, reason and camera, labels by people and by the simulated reviewer, agreement and conflicts.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var device = ReviewCli.DeviceOption(arguments);
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        using var review = ReviewCli.Open(db);
        output.WriteLine(JsonSerializer.Serialize(review.Service.Stats(device), RolloutJson.Options));
        return Task.FromResult(0);
    }
}
