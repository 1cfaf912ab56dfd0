using System.Text;
using System.Text.Json;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>Contract messages as devices publish them, written with the contract serializer.</summary>
public static class Payloads
{
    public static DateTimeOffset Time0 { get; } = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A minimal JPEG: the signature the samples topic checks, and an end marker.</summary>
    public static byte[] Jpeg(byte fill, int length = 600)
    {
        var image = new byte[length];
        Array.Fill(image, fill);
        image[0] = 0xFF; image[1] = 0xD8; image[2] = 0xFF; image[3] = 0xE0;
        image[^2] = 0xFF; image[^1] = 0xD9;
        return image;
    }

    public static VehicleEvent Event(string deviceId, long seq, string camera = "cam-1", string label = "car", double confidence = 0.9) =>
        new(deviceId, camera, TrackId: seq, label, confidence,
            [new LabelProbability(label, confidence), new LabelProbability("van", 1 - confidence)],
            new PixelBox(10, 20, 120, 80),
            FirstSeen: Time0.AddSeconds(seq), LastSeen: Time0.AddSeconds(seq).AddMilliseconds(800), Observations: 12,
            ModelName: "vehicle-classifier", ModelVersion: "1.0.0");

    public static CameraStats Stats(string deviceId, long seq, string camera = "cam-1") =>
        new(deviceId, camera, Time0.AddMinutes(seq), Time0.AddMinutes(seq + 1), Frames: 1500, Fps: 25,
            new Dictionary<string, LatencyPercentiles> { ["classify"] = new(4, 9, 12) },
            new Dictionary<string, long> { ["decode"] = 0 }, Reconnects: 0,
            new Dictionary<string, long> { ["car"] = 40, ["truck"] = 3 }, EstimatedPrecision: 0.82);

    public static string Json(VehicleEvent message) => JsonSerializer.Serialize(message, ContractsJsonContext.Default.VehicleEvent);

    public static string Json(CameraStats message) => JsonSerializer.Serialize(message, ContractsJsonContext.Default.CameraStats);

    public static RawOutboxRecord EventRecord(string deviceId, long seq, string camera = "cam-1") =>
        new(seq, OutboxKinds.Event, Time0.AddSeconds(seq + 1), Json(Event(deviceId, seq, camera)));

    public static RawOutboxRecord StatsRecord(string deviceId, long seq) =>
        new(seq, OutboxKinds.Stats, Time0.AddMinutes(seq + 1), Json(Stats(deviceId, seq)));

    /// <summary>A telemetry batch as the edge sync writes it.</summary>
    public static byte[] Batch(string deviceId, long epoch, IReadOnlyList<RawOutboxRecord> records) =>
        new TelemetryBatchWriter().Write(deviceId, epoch, records);

    /// <summary>A batch of events with seqs <paramref name="firstSeq"/>.. (count of them).</summary>
    public static byte[] EventBatch(string deviceId, long epoch, long firstSeq, int count, Func<long, string>? camera = null) =>
        Batch(deviceId, epoch, Enumerable.Range(0, count)
            .Select(i => EventRecord(deviceId, firstSeq + i, camera?.Invoke(firstSeq + i) ?? "cam-1")).ToList());

    public static byte[] Sample(string deviceId, long epoch, long seq, byte[] jpeg, string? infoDeviceId = null, string? headerDeviceId = null)
    {
        var info = new ReviewSampleInfo(infoDeviceId ?? deviceId, "cam-2", $"sample-{seq}", TrackId: seq, Time0.AddSeconds(seq),
            "vehicle-classifier", "1.0.0", "truck", 0.35, new Dictionary<string, double> { ["truck"] = 0.35, ["bus"] = 0.3 },
            SampleReasons.LowConfidence);
        var header = new SampleHeader(headerDeviceId ?? deviceId, epoch, seq, Time0.AddSeconds(seq), info);
        return SampleFrame.Write(header, jpeg);
    }

    public static byte[] Status(string deviceId, bool online, DateTimeOffset at, string? agentVersion = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new DeviceStatus(deviceId, online, at, agentVersion), ContractsJsonContext.Default.DeviceStatus);

    public static byte[] Reported(string deviceId, DateTimeOffset at, OutboxBacklog backlog, string modelVersion = "1.0.0") =>
        JsonSerializer.SerializeToUtf8Bytes(new ReportedState(deviceId, at, "vehicle-classifier", modelVersion, backlog),
            ContractsJsonContext.Default.ReportedState);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
