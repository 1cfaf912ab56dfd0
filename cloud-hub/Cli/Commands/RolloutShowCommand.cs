using System.Globalization;
using System.Text.Json;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>rollout show ID</c>: one rollout with its counters and every device's state and reason; exit 1 when there is none.</summary>
public sealed class RolloutShowCommand : ICliCommand
{
    public string Name => "rollout show";
    public string Usage => "ID [--db PATH]";
    public string Summary => "Show one rollout as JSON: counters, and each device's wave, state and reason. Exit 1 if there is no such rollout.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var id = RolloutId.Parse(arguments.PositionalAt(0, "rollout ID"));
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        using var access = HubStoreAccess.Open(db);
        var store = new RolloutStore(access.Database);
        if (store.Get(id) is not { } rollout)
        {
            output.WriteLine(RolloutActions.UnknownRollout(id));
            return Task.FromResult(1);
        }
        output.WriteLine(JsonSerializer.Serialize(RolloutView.From(rollout, store.Devices(id), withDevices: true), RolloutJson.Options));
        return Task.FromResult(0);
    }
}

/// <summary>A rollout id on the command line.</summary>
internal static class RolloutId
{
    public static long Parse(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new UsageException($"Rollout ID must be a positive whole number; got '{text}'.");
}
