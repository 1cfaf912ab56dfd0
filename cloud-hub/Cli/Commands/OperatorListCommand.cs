using EdgeMlops.CloudHub.Operators;
using System.Text.Json;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>operator list [--db PATH]</c>: every operator, revoked ones too, one JSON line each (never a token).</summary>
public sealed class OperatorListCommand : ICliCommand
{
    public string Name => "operator list";
    public string Usage => "[--db PATH]";
    public string Summary => "List API operators, one JSON line each: {\"name\",\"role\",\"createdAt\",\"revokedAt\"}.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        foreach (var account in store.Operators.List())
            output.WriteLine(JsonSerializer.Serialize(
                new OperatorListLine(account.Name, account.Role.Name(), account.CreatedAt, account.RevokedAt), CliJsonContext.Default.OperatorListLine));
        return Task.FromResult(0);
    }
}
