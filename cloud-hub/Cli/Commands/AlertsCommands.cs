using System.Globalization;
using System.Text.Json;
using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>alerts list</c>: alerts newest first, one JSON line each, filtered by state, device and severity.</summary>
public sealed class AlertsListCommand : ICliCommand
{
    public string Name => "alerts list";
    public string Usage => "[--state open|acknowledged|resolved] [--device ID] [--severity critical|warning] [--db PATH]";
    public string Summary => "List alerts, newest first, one JSON line each (rule, device, camera, model version, figure, bound, threshold, samples, samples link).";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var state = arguments.Optional("state");
        var device = arguments.Optional("device");
        var severity = arguments.Optional("severity");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        if (state is not null && !AlertStates.All.Contains(state))
            throw new UsageException($"--state must be one of {string.Join(", ", AlertStates.All)}; got '{state}'.");
        if (severity is not null && !AlertSeverities.All.Contains(severity))
            throw new UsageException($"--severity must be one of {string.Join(", ", AlertSeverities.All)}; got '{severity}'.");
        using var access = HubStoreAccess.Open(db);
        foreach (var alert in new AlertStore(access.Database).List(state, device, severity))
            output.WriteLine(JsonSerializer.Serialize(AlertView.From(alert), AlertJson.Line));
        return Task.FromResult(0);
    }
}

/// <summary>
/// <c>alerts ack|resolve ID</c>: changes the alert in the database, audited as <c>cli:&lt;user&gt;</c>; the running
/// hub's evaluator sends it out (retained message, webhook) at its next pass. Exit 1 when refused.
/// </summary>
public sealed class AlertActionCommand(AlertAction action) : ICliCommand
{
    public string Name => action == AlertAction.Acknowledge ? "alerts ack" : "alerts resolve";
    public string Usage => action == AlertAction.Acknowledge ? "ID [--note TEXT] [--db PATH]" : "ID --note TEXT [--db PATH]";
    public string Summary => action == AlertAction.Acknowledge
        ? "Acknowledge an open alert: someone is on it (it stays published, as acknowledged, until it resolves)."
        : "Resolve an alert by hand, with a note saying why; its retained message is cleared.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var idText = arguments.PositionalAt(0, "alert ID");
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            throw new UsageException($"Alert ID must be a positive whole number; got '{idText}'.");
        var note = arguments.Optional("note");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        using var access = HubStoreAccess.Open(db);
        var store = new AlertStore(access.Database);
        var problem = AlertActions.Apply(store, access.Audit, id, action, AuditLog.CliActor, note, DateTimeOffset.UtcNow);
        output.WriteLine(problem ?? $"alert {id}: {store.Get(id)!.State}");
        return Task.FromResult(problem is null ? 0 : 1);
    }
}
