using System.Text.Json;
using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>model list [NAME] [--db PATH]</c>: registered versions, one JSON line each, newest first within a name.</summary>
public sealed class ModelListCommand : ICliCommand
{
    public string Name => "model list";
    public string Usage => "[NAME] [--db PATH]";
    public string Summary => "List registered model versions (of NAME, or all), one JSON line each: {\"name\",\"version\",\"manifestSha256\",\"registeredAt\",\"registeredBy\",\"notes\",\"aliases\"}.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var name = arguments.Positional.Count > 0 ? arguments.Positional[0] : null;
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db, registry: true);
        var book = store.Get<ModelVersionBook>();
        var aliases = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var v in name is null ? book.All() : book.Versions(name))
        {
            if (!aliases.TryGetValue(v.Name, out var named))
                aliases[v.Name] = named = book.Aliases(v.Name);
            var line = new ModelListLine(v.Name, v.Version, v.ManifestSha256, v.RegisteredAt, v.RegisteredBy, v.Notes,
                named.Where(a => a.Value == v.Version).Select(a => a.Key).Order(StringComparer.Ordinal).ToList());
            output.WriteLine(JsonSerializer.Serialize(line, ModelCliJsonContext.Default.ModelListLine));
        }
        return Task.FromResult(0);
    }
}
