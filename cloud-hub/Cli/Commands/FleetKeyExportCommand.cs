using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>fleet-key export [--out FILE] [--db PATH]</c>: the public half of the hub's fleet key as PEM, for boxes'
/// <c>Model:TrustedKeysDirectory</c> (name the file <c>*.pub.pem</c>). Generates the key first when the hub has none.
/// </summary>
public sealed class FleetKeyExportCommand : ICliCommand
{
    public string Name => "fleet-key export";
    public string Usage => "[--out FILE] [--db PATH]";
    public string Summary => "Print (or write to --out) the fleet public key PEM that boxes trust; generated once when the hub has none.";

    public async Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var file = arguments.Optional("out");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db, registry: true);
        string pem;
        try
        {
            pem = store.Get<FleetKey>().PublicKeyPem;
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
        if (file is null)
        {
            await output.WriteLineAsync(pem);
            return 0;
        }
        await File.WriteAllTextAsync(file, pem + "\n", cancellationToken);
        await output.WriteLineAsync($"wrote the fleet public key to {Path.GetFullPath(file)}");
        return 0;
    }
}
