using System.Text.Json;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>Contract payloads as a device writes them.</summary>
internal static class DevicePayloads
{
    public static readonly DateTimeOffset Time = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A telemetry batch of vehicle events with seqs <paramref name="firstSeq"/>..<paramref name="lastSeq"/>.</summary>
    public static byte[] Telemetry(string deviceId, long firstSeq, long lastSeq, long epoch = 1)
    {
        var records = new List<RawOutboxRecord>();
        for (var seq = firstSeq; seq <= lastSeq; seq++)
        {
            var at = Time.AddSeconds(seq);
            var vehicle = new VehicleEvent(deviceId, "cam-1", seq, "car", 0.9, [new LabelProbability("car", 0.9)],
                new PixelBox(1, 2, 30, 20), at, at, 3, "vehicle-classifier", "1.0.0");
            records.Add(new RawOutboxRecord(seq, OutboxKinds.Event, at, JsonSerializer.Serialize(vehicle, ContractsJsonContext.Default.VehicleEvent)));
        }
        return new TelemetryBatchWriter().Write(deviceId, epoch, records);
    }

    public static byte[] Status(string deviceId, bool online) =>
        JsonSerializer.SerializeToUtf8Bytes(new DeviceStatus(deviceId, online, Time, online ? "test-agent" : null), ContractsJsonContext.Default.DeviceStatus);
}
