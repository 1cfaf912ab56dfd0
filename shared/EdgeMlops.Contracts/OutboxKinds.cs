namespace EdgeMlops.Contracts;

/// <summary>What an outbox record carries (<see cref="OutboxRecord.Kind"/>).</summary>
public static class OutboxKinds
{
    /// <summary>A <see cref="VehicleEvent"/>.</summary>
    public const string Event = "event";

    /// <summary>A <see cref="CameraStats"/>.</summary>
    public const string Stats = "stats";

    /// <summary>A <see cref="ReviewSampleInfo"/> (its JPEG travels separately).</summary>
    public const string Sample = "sample";

    /// <summary>A <see cref="PrecisionReport"/>.</summary>
    public const string Precision = "precision";

    /// <summary>Whether <paramref name="kind"/> is one of the kinds above.</summary>
    public static bool IsKnown(string? kind) => kind is Event or Stats or Sample or Precision;

    /// <summary>Whether records of <paramref name="kind"/> travel in a <see cref="TelemetryBatch"/>; samples go alone, with their JPEG (<see cref="SampleFrame"/>).</summary>
    public static bool TravelsInBatches(string? kind) => kind is Event or Stats or Precision;
}
