using System.Text.Json;
using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>operator add NAME --role viewer|operator|admin [--db PATH]</c>: makes an API token and prints it once. Run on the
/// hub machine: whoever can write the hub database is trusted to hand out tokens.
/// </summary>
public sealed class OperatorAddCommand : ICliCommand
{
    public string Name => "operator add";
    public string Usage => $"NAME --role {OperatorRoles.Names} [--db PATH]";
    public string Summary => "Make an API token for an operator; prints {\"name\",\"role\",\"token\"} as one JSON line. The token is shown only once; send it as 'Authorization: Bearer TOKEN'. Exit 1 if the name is taken.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var name = arguments.PositionalAt(0, "operator NAME");
        var roleName = arguments.Required("role");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        if (!OperatorRoles.TryParse(roleName, out var role))
            throw new UsageException($"--role must be one of {OperatorRoles.Names}; got '{roleName}'.");
        if (OperatorRegistry.FindNameProblem(name) is { } problem)
            throw new UsageException($"'{name}' cannot be an operator name: {problem}.");

        using var store = HubStoreAccess.Open(db);
        if (!store.Operators.TryAdd(name, role, out var token))
        {
            store.Audit.Record(AuditLog.CliActor, AuditActions.OperatorAdd, name, AuditActions.NameTaken);
            output.WriteLine($"operator {name} exists; revoke it first (operator revoke {name}) to give the name a new token");
            return Task.FromResult(1);
        }
        store.Audit.Record(AuditLog.CliActor, AuditActions.OperatorAdd, name, $"{AuditActions.Done}: {role.Name()}");
        output.WriteLine(JsonSerializer.Serialize(new OperatorTokenLine(name, role.Name(), token), CliJsonContext.Default.OperatorTokenLine));
        return Task.FromResult(0);
    }
}
