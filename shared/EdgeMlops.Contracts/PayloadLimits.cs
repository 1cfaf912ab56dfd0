namespace EdgeMlops.Contracts;

/// <summary>
/// The largest payload accepted per device channel. Producers stay under them (the edge sync cuts batches by size);
/// consumers refuse anything larger before parsing it.
/// </summary>
public static class PayloadLimits
{
    /// <summary>A <see cref="TelemetryBatch"/>.</summary>
    public const int TelemetryBytes = 4 * 1024 * 1024;

    /// <summary>A <see cref="SampleFrame"/>: header plus JPEG.</summary>
    public const int SampleBytes = 2 * 1024 * 1024;

    /// <summary>A <see cref="DeviceStatus"/>, <see cref="ReportedState"/> or <see cref="DesiredState"/>.</summary>
    public const int StateBytes = 64 * 1024;

    /// <summary>The limit for <paramref name="channel"/>.</summary>
    public static int For(DeviceChannel channel) => channel switch
    {
        DeviceChannel.Telemetry => TelemetryBytes,
        DeviceChannel.Samples => SampleBytes,
        _ => StateBytes,
    };

    /// <summary>A rejection when <paramref name="length"/> exceeds the limit of <paramref name="channel"/>; null otherwise.</summary>
    public static PayloadRejection? Check(DeviceChannel channel, long length) => length > For(channel)
        ? new PayloadRejection(RejectionKind.Oversized,
            $"the payload is {length} bytes; the {channel.ToString().ToLowerInvariant()} limit is {For(channel)} bytes")
        : null;
}
