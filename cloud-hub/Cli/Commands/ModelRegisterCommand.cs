using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>model register PACKAGE [--notes TEXT] [--trust DIR] [--db PATH]</c>: registers a package (directory or .zip) in
/// the hub's registry as <see cref="ModelRegistration"/> does for the API. Exit 0 with one JSON line; exit 1 with the
/// failed check, the file and the reason.
/// </summary>
public sealed class ModelRegisterCommand : ICliCommand
{
    public string Name => "model register";
    public string Usage => "PACKAGE [--notes TEXT] [--trust DIR] [--db PATH]";
    public string Summary => "Register a model package (directory or .zip): verify its publisher signature (--trust: publisher keys, default Hub:Registry:TrustedPublishersDirectory), graph and canary gate, sign it with the fleet key and store it. Prints {\"name\",\"version\",\"manifestSha256\",...}; exit 1 naming the failed check and file.";

    public async Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var package = arguments.PositionalAt(0, "PACKAGE (directory or .zip)");
        var notes = arguments.Optional("notes");
        var trust = arguments.Optional("trust");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        if (!Directory.Exists(package) && !File.Exists(package))
            throw new UsageException($"PACKAGE '{package}' is neither a package directory nor a .zip file.");

        using var store = HubStoreAccess.Open(db, registry: true,
            trust is null ? null : [new($"{RegistryOptions.Section}:{nameof(RegistryOptions.TrustedPublishersDirectory)}", trust)]);
        try
        {
            var result = await store.Get<ModelRegistration>().RegisterAsync(Path.GetFullPath(package), AuditLog.CliActor, notes, cancellationToken);
            var v = result.Version;
            output.WriteLine(JsonSerializer.Serialize(new ModelRegisteredLine(v.Name, v.Version, v.ManifestSha256, v.PublisherKeyId, v.Size, result.Created),
                ModelCliJsonContext.Default.ModelRegisteredLine));
            return 0;
        }
        catch (RegistrationRefusedException refused)
        {
            output.WriteLine($"REFUSED {package}: {refused.Message}");
            return 1;
        }
    }
}
