using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>An operator's change to an alert, the same from the API and the CLI.</summary>
public enum AlertAction { Acknowledge, Resolve }

/// <summary>What acknowledge and resolve check and write, and how they are audited: the one place these rules live.</summary>
public static class AlertActions
{
    public const int MaxNoteLength = 1000;

    public static string Verb(this AlertAction action) => action == AlertAction.Acknowledge ? "acknowledge" : "resolve";

    public static string AuditName(this AlertAction action) => action == AlertAction.Acknowledge ? AlertAuditActions.Acknowledge : AlertAuditActions.Resolve;

    /// <summary>Applies <paramref name="action"/> to alert <paramref name="id"/> as <paramref name="actor"/>, and audits it (refusals too).</summary>
    /// <returns>Null when done; why not otherwise.</returns>
    public static string? Apply(AlertStore store, AuditLog audit, long id, AlertAction action, string actor, string? note, DateTimeOffset now)
    {
        var problem = FindProblem(store, id, action, note);
        if (problem is null)
        {
            var done = action == AlertAction.Acknowledge
                ? store.Acknowledge(id, actor, note, now)
                : store.Resolve(id, actor, note, null, now);
            if (!done)
                problem = $"alert {id} changed meanwhile; it is {store.Get(id)?.State}";
        }
        audit.Record(actor, action.AuditName(), AlertStore.IdText(id), problem is null ? AuditActions.Done : $"refused: {problem}");
        return problem;
    }

    private static string? FindProblem(AlertStore store, long id, AlertAction action, string? note)
    {
        if (note is { Length: > MaxNoteLength })
            return $"note: at most {MaxNoteLength} characters, got {note.Length}";
        if (action == AlertAction.Resolve && string.IsNullOrWhiteSpace(note))
            return "note: resolving by hand needs a note saying why (the rule resolves by itself once the figure recovers)";
        if (store.Get(id) is not { } alert)
            return UnknownAlert(id);
        return (action, alert.State) switch
        {
            (AlertAction.Acknowledge, AlertStates.Open) => null,
            (AlertAction.Resolve, AlertStates.Open or AlertStates.Acknowledged) => null,
            _ => $"alert {id} is {alert.State}; it must be {(action == AlertAction.Acknowledge ? "open" : "open or acknowledged")} to {action.Verb()}",
        };
    }

    public static string UnknownAlert(long id) => $"no alert {id}";
}
