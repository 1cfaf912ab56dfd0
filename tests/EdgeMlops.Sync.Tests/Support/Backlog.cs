using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// A device's outbox filled before the agent starts, as if it had been offline: vehicle events with a stats record
/// every 50, written through the agent's own store so the file is exactly what the agent would have left.
/// </summary>
internal static class Backlog
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Appends <paramref name="records"/> records to the store at <paramref name="path"/>; returns the last seq issued.</summary>
    public static long Seed(string path, string deviceId, int records)
    {
        using var store = new EdgeStore(Options.Create(new EdgeStoreOptions { Path = path }), TimeProvider.System, NullLogger<EdgeStore>.Instance);
        const int chunk = 5_000;
        for (var first = 0; first < records; first += chunk)
        {
            var batch = new List<PendingRecord>(chunk);
            for (var i = first; i < Math.Min(records, first + chunk); i++)
                batch.Add(i % 50 == 49 ? Stats(deviceId, i) : Event(deviceId, i));
            store.Append(batch);
        }
        return store.LastIssuedSeq;
    }

    private static PendingRecord Event(string deviceId, int index) => new PendingVehicleEvent(new VehicleEvent(
        DeviceId: deviceId,
        CameraId: $"cam-{index % 10}",
        TrackId: index,
        Label: (index % 5) switch { 0 => "car", 1 => "van", 2 => "truck", 3 => "bus", _ => "motorcycle" },
        Confidence: 0.9,
        TopK: [new("car", 0.9), new("van", 0.07), new("truck", 0.03)],
        Box: new PixelBox(100, 120, 80, 60),
        FirstSeen: Start.AddMilliseconds(100.0 * index),
        LastSeen: Start.AddMilliseconds(100.0 * index + 2_000),
        Observations: 30,
        ModelName: "vehicle-classifier",
        ModelVersion: "1.0.0"), Start.AddMilliseconds(100.0 * index));

    private static PendingRecord Stats(string deviceId, int index) => new PendingCameraStats(new CameraStats(
        DeviceId: deviceId,
        CameraId: $"cam-{index % 10}",
        IntervalStart: Start.AddMilliseconds(100.0 * index - 60_000),
        IntervalEnd: Start.AddMilliseconds(100.0 * index),
        Frames: 1500,
        Fps: 25,
        LatencyMs: new Dictionary<string, LatencyPercentiles> { ["classify"] = new(4, 9, 15) },
        Drops: new Dictionary<string, long> { ["decode"] = 0 },
        Reconnects: 0,
        Vehicles: new Dictionary<string, long> { ["car"] = 12 }), Start.AddMilliseconds(100.0 * index));
}
