using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// Whether a device is connected, published retained on its status topic: "online" by the device right after it
/// connects, "offline" by the device before a clean disconnect or by the broker as its last will.
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Online">True when the device has just connected; false when it left.</param>
/// <param name="At">
/// When the device wrote the message. A last will is written at connect time and sent later by the broker, so readers
/// take the time they received it as the moment the device went offline.
/// </param>
/// <param name="AgentVersion">The agent's version, when online.</param>
public sealed record DeviceStatus(
    string DeviceId,
    bool Online,
    DateTimeOffset At,
    string? AgentVersion = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
