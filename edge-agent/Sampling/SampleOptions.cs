using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>Which vehicles are kept as review samples for operators (and later retraining). Section <c>Samples</c>.</summary>
public sealed class SampleOptions : IOptionsWithProblems
{
    public const string SectionName = "Samples";

    /// <summary>A vehicle whose voted confidence is below this is always sampled: these are the hard examples.</summary>
    public double LowConfidenceThreshold { get; set; } = 0.6;

    /// <summary>Share of the other vehicles sampled at random, so reviews also measure precision on easy cases.</summary>
    public double RandomShare { get; set; } = 0.02;

    public int JpegQuality { get; set; } = 90;

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (LowConfidenceThreshold is < 0 or > 1) problems.Add($"Samples:LowConfidenceThreshold must be 0..1; got {LowConfidenceThreshold}.");
        if (RandomShare is < 0 or > 1) problems.Add($"Samples:RandomShare must be 0..1; got {RandomShare}.");
        if (JpegQuality is < 10 or > 100) problems.Add($"Samples:JpegQuality must be 10..100; got {JpegQuality}.");
        return problems;
    }
}
