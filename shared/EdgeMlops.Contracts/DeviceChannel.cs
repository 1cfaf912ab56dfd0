namespace EdgeMlops.Contracts;

/// <summary>The per-device topics (<c>edgemlops/v1/devices/{deviceId}/{channel}</c>).</summary>
public enum DeviceChannel
{
    /// <summary>Batched outbox records, device to hub (<see cref="TelemetryBatch"/>).</summary>
    Telemetry,

    /// <summary>Review crops: JPEG plus <see cref="ReviewSampleInfo"/>, device to hub.</summary>
    Samples,

    /// <summary>Online/offline, retained; the device's last will marks it offline.</summary>
    Status,

    /// <summary>The device's reported state, device to hub.</summary>
    Reported,

    /// <summary>The state the hub wants the device in, retained, written by the hub only.</summary>
    Desired,
}
