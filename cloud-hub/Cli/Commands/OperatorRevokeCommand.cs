using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>operator revoke NAME [--db PATH]</c>: the operator's token is refused from the hub's next request on; exit 1 when there is no such active operator.</summary>
public sealed class OperatorRevokeCommand : ICliCommand
{
    public string Name => "operator revoke";
    public string Usage => "NAME [--db PATH]";
    public string Summary => "Revoke an operator's API token; a running hub refuses it from the next request (401). Exit 1 if there is no such active operator.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var name = arguments.PositionalAt(0, "operator NAME");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        var revoked = store.Operators.Revoke(name);
        store.Audit.Record(AuditLog.CliActor, AuditActions.OperatorRevoke, name, revoked ? AuditActions.Done : AuditActions.UnknownOperator);
        output.WriteLine(revoked ? $"revoked {name}" : $"{name} is not an active operator");
        return Task.FromResult(revoked ? 0 : 1);
    }
}
