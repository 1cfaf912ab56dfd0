using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>rollout promote|pause|resume|abort|rollback ID</c>: changes the rollout in the database; the running hub's
/// coordinator acts on it at its next tick (reverting moved devices after an abort or a rollback). Exit 1 when refused.
/// </summary>
public sealed class RolloutActionCommand(RolloutAction action) : ICliCommand
{
    public string Name => $"rollout {action.Verb()}";
    public string Usage => "ID [--db PATH]";
    public string Summary => action switch
    {
        RolloutAction.Promote => "Release the rollout's next wave without waiting for the observation window.",
        RolloutAction.Pause => "Pause a rollout: no new wave is released; devices already moved are still followed.",
        RolloutAction.Resume => "Resume a paused rollout.",
        RolloutAction.Abort => "Abort a rollout: every device it moved goes back to its previous version.",
        _ => "Roll back a rollout, finished or not: every device it moved goes back to its previous version.",
    };

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var id = RolloutId.Parse(arguments.PositionalAt(0, "rollout ID"));
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        using var access = HubStoreAccess.Open(db);
        var (state, problem) = RolloutActions.Apply(new RolloutStore(access.Database), id, action, DateTimeOffset.UtcNow);
        access.Audit.Record(AuditLog.CliActor, action.AuditName(), RolloutStore.IdText(id), problem is null ? AuditActions.Done : $"refused: {problem}");
        output.WriteLine(problem ?? $"rollout {id}: {state ?? "next wave released at the hub's next tick"}");
        return Task.FromResult(problem is null ? 0 : 1);
    }
}
