using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// The JSON part of a review sample on the samples topic (<see cref="SampleFrame"/>): the outbox record's identity and
/// the sample's metadata. The JPEG follows it in the same MQTT payload.
/// </summary>
/// <param name="DeviceId">The publishing device.</param>
/// <param name="Epoch">The outbox incarnation (see <see cref="TelemetryBatch.Epoch"/>).</param>
/// <param name="Seq">The record's seq; samples share the seq space of every other outbox record.</param>
/// <param name="CreatedAt">When the device accepted the record.</param>
/// <param name="Info">The sample's metadata.</param>
public sealed record SampleHeader(
    string DeviceId,
    long Epoch,
    long Seq,
    DateTimeOffset CreatedAt,
    ReviewSampleInfo Info) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
