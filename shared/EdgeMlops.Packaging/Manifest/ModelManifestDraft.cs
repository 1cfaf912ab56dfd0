namespace EdgeMlops.Packaging;

/// <summary>
/// What the author of a package decides: everything in a <see cref="ModelManifest"/> except the file list
/// and the signature, which <see cref="ModelPackageWriter"/> computes.
/// </summary>
public sealed record ModelManifestDraft
{
    /// <inheritdoc cref="ModelManifest.Name"/>
    public required string Name { get; init; }

    /// <inheritdoc cref="ModelManifest.Version"/>
    public required string Version { get; init; }

    /// <inheritdoc cref="ModelManifest.Labels"/>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <inheritdoc cref="ModelManifest.Input"/>
    public required ModelInputSpec Input { get; init; }

    /// <inheritdoc cref="ModelManifest.Output"/>
    public required ModelOutputSpec Output { get; init; }

    /// <inheritdoc cref="ModelManifest.Lineage"/>
    public ModelLineage Lineage { get; init; } = new();

    /// <inheritdoc cref="ModelManifest.Metrics"/>
    public IReadOnlyList<EvaluationMetrics> Metrics { get; init; } = [];

    /// <inheritdoc cref="ModelManifest.Gate"/>
    public CanaryGate? Gate { get; init; }

    /// <inheritdoc cref="ModelManifest.Monitoring"/>
    public ModelMonitoring? Monitoring { get; init; }

    /// <summary>When the package is written; converted to UTC.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The draft a manifest was written from (its file list and signature left out), to write it again changed.</summary>
    public static ModelManifestDraft From(ModelManifest manifest) => new()
    {
        Name = manifest.Name,
        Version = manifest.Version,
        Labels = manifest.Labels,
        Input = manifest.Input,
        Output = manifest.Output,
        Lineage = manifest.Lineage,
        Metrics = manifest.Metrics,
        Gate = manifest.Gate,
        Monitoring = manifest.Monitoring,
        CreatedAt = manifest.CreatedAt,
    };

    internal ModelManifest ToUnsignedManifest(IReadOnlyList<PackageFileEntry> files) => new()
    {
        FormatVersion = ModelManifest.CurrentFormatVersion,
        Name = Name,
        Version = Version,
        Labels = Labels,
        Input = Input,
        Output = Output,
        Files = files,
        Lineage = Lineage,
        Metrics = Metrics,
        CreatedAt = CreatedAt.ToUniversalTime(),
        Gate = Gate,
        Monitoring = Monitoring,
    };
}
