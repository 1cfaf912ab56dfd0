using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>model alias set NAME ALIAS VERSION --reason TEXT [--db PATH]</c>: points an alias at a registered version, recorded
/// in the alias history and the audit log, and announced to the webhook (<c>Hub:Notifications</c> from the environment)
/// before the command returns. Exit 1 when the version is not registered or the input is refused.
/// </summary>
public sealed class ModelAliasSetCommand : ICliCommand
{
    public string Name => "model alias set";
    public string Usage => "NAME ALIAS VERSION --reason TEXT [--db PATH]";
    public string Summary => "Point an alias (production, candidate, ...) of a model at a registered version; the move is kept in the alias history and the audit log.";

    public async Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var name = arguments.PositionalAt(0, "model NAME");
        var alias = arguments.PositionalAt(1, "ALIAS");
        var version = arguments.PositionalAt(2, "VERSION");
        var reason = arguments.Required("reason");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db, registry: true);
        AliasMove? move;
        try
        {
            move = store.Get<ModelAliases>().Move(AuditLog.CliActor, name, alias, version, reason);
        }
        catch (AliasMoveException refused)
        {
            output.WriteLine($"REFUSED {name}@{alias} -> {version}: {refused.Message}");
            return 1;
        }
        await store.Get<IEnumerable<IHostedService>>().OfType<WebhookSender>().Single().DeliverQueuedAsync(cancellationToken);
        output.WriteLine(move is null
            ? $"{name}@{alias} already names {version}"
            : $"{name}@{alias}: {move.From ?? "(none)"} -> {move.To}");
        return 0;
    }
}

/// <summary><c>model alias history NAME [--db PATH]</c>: every alias move of a model, oldest first, one JSON line each.</summary>
public sealed class ModelAliasHistoryCommand : ICliCommand
{
    public string Name => "model alias history";
    public string Usage => "NAME [--db PATH]";
    public string Summary => "Every alias move of a model, oldest first, one JSON line each: {\"time\",\"operator\",\"alias\",\"from\",\"to\",\"reason\"}.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var name = arguments.PositionalAt(0, "model NAME");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db, registry: true);
        foreach (var move in store.Get<ModelVersionBook>().History(name))
            output.WriteLine(JsonSerializer.Serialize(new AliasMoveLine(move.Time, move.Operator, move.Alias, move.From, move.To, move.Reason),
                ModelCliJsonContext.Default.AliasMoveLine));
        return Task.FromResult(0);
    }
}
