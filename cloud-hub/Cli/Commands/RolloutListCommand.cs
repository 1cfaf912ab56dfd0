using System.Text.Json;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>rollout list</c>: every rollout, newest first, one JSON line each with its counters.</summary>
public sealed class RolloutListCommand : ICliCommand
{
    public string Name => "rollout list";
    public string Usage => "[--db PATH]";
    public string Summary => "List rollouts, newest first, one JSON line each (state, reason, counters targeted/applied/succeeded/failed/reverted).";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        using var access = HubStoreAccess.Open(db);
        var store = new RolloutStore(access.Database);
        foreach (var rollout in store.List())
            output.WriteLine(JsonSerializer.Serialize(RolloutView.From(rollout, store.Devices(rollout.Id), withDevices: false), RolloutJson.Line));
        return Task.FromResult(0);
    }
}
