namespace EdgeMlops.EdgeAgent.Models;

/// <summary>Which model package the agent runs, and which signing keys it trusts. Section <c>Model</c>.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>A package directory or .zip; by default the seed classifier bundled next to the agent.</summary>
    public string PackagePath { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier");

    /// <summary>Folder of trusted <c>*.pub.pem</c> keys; a package signed by any other key is refused.</summary>
    public string TrustedKeysDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "keys");

    public void Validate()
    {
        if (!Directory.Exists(PackagePath) && !File.Exists(PackagePath))
            throw new InvalidOperationException($"Model:PackagePath '{PackagePath}' does not exist.");
        if (!Directory.Exists(TrustedKeysDirectory))
            throw new InvalidOperationException($"Model:TrustedKeysDirectory '{TrustedKeysDirectory}' does not exist.");
    }
}
