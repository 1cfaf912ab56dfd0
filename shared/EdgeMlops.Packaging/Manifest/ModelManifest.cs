namespace EdgeMlops.Packaging;

/// <summary>
/// The signed description of a model package (<c>manifest.json</c>): what the model is, how to feed it,
/// how it scored, and the hash of every other file in the package.
/// </summary>
/// <remarks>
/// Property declaration order is the JSON property order, and therefore part of the signed canonical form
/// (see <see cref="ModelManifestJson.GetSigningBytes"/>): append new properties, never reorder.
/// </remarks>
public sealed record ModelManifest
{
    /// <summary>The manifest format version this library reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Version of the manifest format; readers reject versions they do not know.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Model name, e.g. <c>vehicle-classifier</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Model version, semver-like (<c>1.0.0</c>, <c>1.2.0-rc.1</c>).</summary>
    public required string Version { get; init; }

    /// <summary>Class labels in output-index order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>How to turn an image into the model's input tensor.</summary>
    public required ModelInputSpec Input { get; init; }

    /// <summary>How to read the model's output tensor.</summary>
    public required ModelOutputSpec Output { get; init; }

    /// <summary>Every file of the package except <c>manifest.json</c>, with hash and size.</summary>
    public required IReadOnlyList<PackageFileEntry> Files { get; init; }

    /// <summary>Where the model came from.</summary>
    public required ModelLineage Lineage { get; init; }

    /// <summary>Evaluations of the model, one per data set and condition.</summary>
    public required IReadOnlyList<EvaluationMetrics> Metrics { get; init; }

    /// <summary>When the package was written, in UTC.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The precision the package's canary set must reach before the model may serve (checked by the hub at
    /// registration and by every box before activation); <c>null</c>: no gate.
    /// </summary>
    public CanaryGate? Gate { get; init; }

    /// <summary>
    /// What the box needs to watch the model without labels: the calibration of its probabilities, the certainty
    /// threshold under which a human must look, and the reference distributions drift is measured against;
    /// <c>null</c>: uncalibrated (temperature 1), no threshold, no drift signals.
    /// </summary>
    public ModelMonitoring? Monitoring { get; init; }

    /// <summary>Signature over the canonical form of everything above; <c>null</c> while unsigned.</summary>
    public ManifestSignature? Signature { get; init; }
}
