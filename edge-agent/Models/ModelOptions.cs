using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>Which model package the agent runs, and which signing keys it trusts. Section <c>Model</c>.</summary>
public sealed class ModelOptions : IOptionsWithProblems
{
    public const string SectionName = "Model";

    /// <summary>A package directory or .zip; by default the seed classifier bundled next to the agent.</summary>
    public string PackagePath { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier");

    /// <summary>Folder of trusted <c>*.pub.pem</c> keys; a package signed by any other key is refused.</summary>
    public string TrustedKeysDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "keys");

    /// <summary>
    /// Where a .zip package is extracted, one folder per load, deleted when the model is released; by default the
    /// system's temporary folder. A folder of its own makes leftovers easy to see.
    /// </summary>
    public string? ExtractionDirectory { get; set; }

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (!Directory.Exists(PackagePath) && !File.Exists(PackagePath))
            problems.Add($"{SectionName}:PackagePath '{PackagePath}' does not exist.");
        if (!Directory.Exists(TrustedKeysDirectory))
            problems.Add($"{SectionName}:TrustedKeysDirectory '{TrustedKeysDirectory}' does not exist.");
        if (ExtractionDirectory is { } extraction && !Directory.Exists(extraction))
            problems.Add($"{SectionName}:ExtractionDirectory '{extraction}' does not exist.");
        return problems;
    }
}
