namespace EdgeMlops.Packaging;

/// <summary>What a package's canary set (<c>canary/&lt;label&gt;/...</c>) must score for the model to serve.</summary>
public sealed record CanaryGate
{
    /// <summary>Minimum precision averaged over labels on the canary set, 0 to 1.</summary>
    public required double MinMacroPrecision { get; init; }
}
