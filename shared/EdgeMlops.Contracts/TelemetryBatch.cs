using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>Outbox records a device publishes together on its telemetry topic.</summary>
/// <param name="DeviceId">The publishing device.</param>
/// <param name="Epoch">
/// The incarnation of the device's outbox: chosen at random when its database file is created. A device whose file
/// was lost starts its seqs at 1 again under a new epoch, so the hub keys records by (device, epoch, seq).
/// </param>
/// <param name="FirstSeq">Seq of the first record.</param>
/// <param name="LastSeq">Seq of the last record. Seqs in between may be missing (evicted on the device to stay within its budget).</param>
/// <param name="Records">The records, in increasing seq order.</param>
public sealed record TelemetryBatch(
    string DeviceId,
    long Epoch,
    long FirstSeq,
    long LastSeq,
    IReadOnlyList<OutboxRecord> Records) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
