using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// Which vehicles are kept as review samples for operators (and later retraining), and how many at most. Section
/// <c>Samples</c>. Vehicles under the model's certainty threshold are always kept; the bounds hold the rest back so
/// hard examples cannot fill the disk or the uplink (Sedna's issue #27).
/// </summary>
public sealed class SampleOptions : IOptionsWithProblems
{
    public const string SectionName = "Samples";

    /// <summary>A vehicle whose voted confidence is below this is sampled: these are the hard examples.</summary>
    public double LowConfidenceThreshold { get; set; } = 0.6;

    /// <summary>
    /// A vehicle whose mean probabilities over its frames have a normalised entropy (0: one label has it all, 1: no
    /// label preferred) above this is sampled, even when its winner looks confident enough.
    /// </summary>
    public double HighEntropyThreshold { get; set; } = 0.7;

    /// <summary>A vehicle whose frames' votes (each frame's most probable label) split so the winner has less than this share is sampled.</summary>
    public double MinVoteAgreement { get; set; } = 0.7;

    /// <summary>Share of the other vehicles sampled at random, so reviews also measure precision on easy cases.</summary>
    public double RandomShare { get; set; } = 0.02;

    /// <summary>Most samples one camera keeps in any hour (needs-review samples always go, and count here too).</summary>
    public int MaxPerCameraPerHour { get; set; } = 240;

    /// <summary>Most JPEG bytes one camera keeps in any hour (needs-review samples always go, and count here too).</summary>
    public long MaxBytesPerCameraPerHour { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Share of the hourly bounds kept for samples taken at random: hard examples (other than needs-review) stop at the
    /// rest, so a busy hour of unsure vehicles cannot starve the random samples that measured precision is made of.
    /// </summary>
    public double RandomReservedShare { get; set; } = 0.25;

    public int JpegQuality { get; set; } = 90;

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (!(LowConfidenceThreshold is >= 0 and <= 1)) problems.Add($"Samples:LowConfidenceThreshold must be 0..1; got {LowConfidenceThreshold}.");
        if (!(HighEntropyThreshold is >= 0 and <= 1)) problems.Add($"Samples:HighEntropyThreshold must be 0..1; got {HighEntropyThreshold}.");
        if (!(MinVoteAgreement is >= 0 and <= 1)) problems.Add($"Samples:MinVoteAgreement must be 0..1; got {MinVoteAgreement}.");
        if (!(RandomShare is >= 0 and <= 1)) problems.Add($"Samples:RandomShare must be 0..1; got {RandomShare}.");
        if (MaxPerCameraPerHour < 0) problems.Add($"Samples:MaxPerCameraPerHour must be 0 or more; got {MaxPerCameraPerHour}.");
        if (MaxBytesPerCameraPerHour < 0) problems.Add($"Samples:MaxBytesPerCameraPerHour must be 0 or more; got {MaxBytesPerCameraPerHour}.");
        if (!(RandomReservedShare is >= 0 and <= 1)) problems.Add($"Samples:RandomReservedShare must be 0..1; got {RandomReservedShare}.");
        if (JpegQuality is < 10 or > 100) problems.Add($"Samples:JpegQuality must be 10..100; got {JpegQuality}.");
        return problems;
    }
}
