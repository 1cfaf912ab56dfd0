using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// The state the hub wants a device in, published retained on the device's desired topic by the hub only. Each
/// capability owns a property (the rollout owns <c>"model"</c>); a device applies what it understands and reports
/// the revision it applied.
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Revision">Increases with every change the hub makes; a device ignores a revision older than one it has.</param>
/// <param name="UpdatedAt">When the hub wrote it.</param>
/// <param name="Properties">The desired properties by name, each a JSON value its capability defines.</param>
public sealed record DesiredState(
    string DeviceId,
    long Revision,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, JsonElement> Properties) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
