namespace EdgeMlops.Contracts;

/// <summary>Why a crop was kept for review (<see cref="ReviewSampleInfo.Reason"/>).</summary>
public static class SampleReasons
{
    /// <summary>The classifier was unsure: confidence under the sampling threshold.</summary>
    public const string LowConfidence = "low-confidence";

    /// <summary>Picked at random, so that review also sees what the model believes it gets right.</summary>
    public const string Random = "random";

    /// <summary>Whether <paramref name="reason"/> is one of the reasons above.</summary>
    public static bool IsKnown(string? reason) => reason is LowConfidence or Random;
}
