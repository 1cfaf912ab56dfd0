namespace EdgeMlops.Contracts;

/// <summary>
/// The answers a reviewer may give besides a class of the model's label set. The same words are the truth a
/// ground-truth source gives for a proposal that matches no vehicle.
/// </summary>
public static class ReviewLabels
{
    /// <summary>A false detection: glare, a shadow, a partial or merged box. Counts against the predicted class's precision.</summary>
    public const string NotAVehicle = "not-a-vehicle";

    /// <summary>The reviewer could not tell; the sample is skipped and counts for nothing.</summary>
    public const string Unsure = "unsure";

    /// <summary>Whether <paramref name="label"/> is one of the words above.</summary>
    public static bool IsReserved(string? label) => label is NotAVehicle or Unsure;
}
