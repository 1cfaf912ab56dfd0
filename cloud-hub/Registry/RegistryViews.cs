using System.Text.Json;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>A model name in the list: its versions (newest first) and aliases.</summary>
public sealed record ModelSummaryView(string Name, IReadOnlyList<string> Versions, IReadOnlyDictionary<string, string> Aliases);

/// <summary>A model name with every version and its aliases.</summary>
public sealed record ModelView(string Name, IReadOnlyDictionary<string, string> Aliases, IReadOnlyList<ModelVersionView> Versions);

/// <summary>Where a version came from.</summary>
public sealed record LineageView(string? ParentVersion, string? TrainingDataHash);

/// <summary>A registered version; <see cref="Files"/> only when one version is asked for.</summary>
public sealed record ModelVersionView(
    string Name,
    string Version,
    string ManifestSha256,
    string PublisherKeyId,
    DateTimeOffset RegisteredAt,
    string RegisteredBy,
    string? Notes,
    LineageView Lineage,
    JsonElement Metrics,
    JsonElement CanaryMetrics,
    long Size,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<RegisteredFile>? Files)
{
    public static ModelVersionView From(RegisteredVersion v, IReadOnlyDictionary<string, string> aliases, IReadOnlyList<RegisteredFile>? files = null) => new(
        v.Name, v.Version, v.ManifestSha256, v.PublisherKeyId, v.RegisteredAt, v.RegisteredBy, v.Notes,
        new LineageView(v.ParentVersion, v.TrainingDataHash),
        Json(v.MetricsJson), Json(v.CanaryMetricsJson), v.Size,
        aliases.Where(a => a.Value == v.Version).Select(a => a.Key).Order(StringComparer.Ordinal).ToList(), files);

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>The body of <c>PUT /api/models/{name}/aliases/{alias}</c>.</summary>
public sealed record AliasMoveRequest(string? Version, string? Reason);

/// <summary>An alias after a move; <see cref="Moved"/> is false when it already named the version.</summary>
public sealed record AliasView(string Name, string Alias, string Version, bool Moved);
