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

    /// <summary>
    /// One record's payload inside a <see cref="TelemetryBatch"/>. Unknown properties are ignored when a record is read
    /// (so fields can be added within a version) but stored as they came, so this is what keeps megabytes of junk
    /// beside a valid event out of the store. A record within <see cref="FieldLimits"/> stays well below it.
    /// </summary>
    public const int RecordBytes = 512 * 1024;

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

    /// <summary>A rejection when a record's payload of <paramref name="length"/> bytes exceeds <see cref="RecordBytes"/>; null otherwise.</summary>
    public static PayloadRejection? CheckRecord(long length) => length > RecordBytes
        ? new PayloadRejection(RejectionKind.Oversized, $"the record's payload is {length} bytes; the limit is {RecordBytes} bytes")
        : null;
}
