using System.Text.Json.Serialization;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>The line <c>model register</c> prints: the version as stored, and whether this run stored it.</summary>
public sealed record ModelRegisteredLine(string Name, string Version, string ManifestSha256, string PublisherKeyId, long Size, bool Created);

/// <summary>One line of <c>model list</c>: a registered version and the aliases naming it.</summary>
public sealed record ModelListLine(string Name, string Version, string ManifestSha256, DateTimeOffset RegisteredAt, string RegisteredBy,
    string? Notes, IReadOnlyList<string> Aliases);

/// <summary>One line of <c>model alias history</c>: one move.</summary>
public sealed record AliasMoveLine(DateTimeOffset Time, string Operator, string Alias, string? From, string? To, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModelRegisteredLine))]
[JsonSerializable(typeof(ModelListLine))]
[JsonSerializable(typeof(AliasMoveLine))]
internal sealed partial class ModelCliJsonContext : JsonSerializerContext;
