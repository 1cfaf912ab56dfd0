namespace EdgeMlops.CloudHub.Rollout;

/// <summary>An operator's change to a rollout, the same from the API and the CLI.</summary>
public enum RolloutAction { Promote, Pause, Resume, Abort, Rollback }

/// <summary>Which change is allowed in which state, and what it writes; the one place these rules live.</summary>
public static class RolloutActions
{
    /// <summary>The words the API route and the CLI use, e.g. <c>promote</c>.</summary>
    public static string Verb(this RolloutAction action) => action.ToString().ToLowerInvariant();

    /// <summary>The audit log's name for the change.</summary>
    public static string AuditName(this RolloutAction action) => $"rollout.{action.Verb()}";

    /// <summary>Applies <paramref name="action"/> to rollout <paramref name="id"/> in the store.</summary>
    /// <returns>The new rollout state (null for a promote, which changes none), or the problem when refused.</returns>
    public static (string? NewState, string? Problem) Apply(RolloutStore store, long id, RolloutAction action, DateTimeOffset now)
    {
        if (store.Get(id) is not { } rollout)
            return (null, UnknownRollout(id));
        var (state, reason, from) = action switch
        {
            RolloutAction.Promote => ((string?)null, (string?)null, new[] { RolloutStates.Pending, RolloutStates.Running, RolloutStates.Paused }),
            RolloutAction.Pause => (RolloutStates.Paused, "paused by an operator", [RolloutStates.Running, RolloutStates.Pending]),
            RolloutAction.Resume => (RolloutStates.Running, null, [RolloutStates.Paused]),
            RolloutAction.Abort => (RolloutStates.Aborted, "aborted by an operator", [RolloutStates.Pending, RolloutStates.Running, RolloutStates.Paused]),
            _ => (RolloutStates.RolledBack, "rolled back by an operator",
                [RolloutStates.Pending, RolloutStates.Running, RolloutStates.Paused, RolloutStates.Completed, RolloutStates.Aborted]),
        };
        var done = action switch
        {
            RolloutAction.Promote => store.SetPromote(id, true),
            // Abort and rollback also mark every moved device for the coordinator to revert.
            RolloutAction.Abort or RolloutAction.Rollback => store.Finish(id, state!, reason!, now, from),
            _ => store.SetState(id, state!, reason, now, from),
        };
        return done ? (state, null) : (null, $"rollout {id} is {rollout.State}; it must be {string.Join(" or ", from)} to {action.Verb()}");
    }

    /// <summary>The problem text for an id no rollout has.</summary>
    public static string UnknownRollout(long id) => $"no rollout {id}";
}
