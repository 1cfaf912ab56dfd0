using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>Valid telemetry of adjustable size, and the pending records the store's internal API takes.</summary>
internal static class TestRecords
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 7, 0, 0, TimeSpan.Zero);

    public static VehicleEvent Event(long trackId) => new(
        DeviceId: "box-07",
        CameraId: "cam-1",
        TrackId: trackId,
        Label: "car",
        Confidence: 0.87,
        TopK: [new("car", 0.87), new("van", 0.1), new("truck", 0.03)],
        Box: new PixelBox(10, 20, 120, 80),
        FirstSeen: Start.AddSeconds(trackId),
        LastSeen: Start.AddSeconds(trackId + 2),
        Observations: 40,
        ModelName: "vehicle-classifier",
        ModelVersion: "1.0.0");

    /// <summary>Stats whose JSON is a few KB: <paramref name="labels"/> vehicle classes and as many latency stages.</summary>
    public static CameraStats Stats(int interval, int labels = 4) => new(
        DeviceId: "box-07",
        CameraId: "cam-1",
        IntervalStart: Start.AddSeconds(10 * interval),
        IntervalEnd: Start.AddSeconds(10 * (interval + 1)),
        Frames: 250,
        Fps: 25,
        LatencyMs: Enumerable.Range(0, labels).ToDictionary(i => $"stage-{i:000}", _ => new LatencyPercentiles(1.5, 3.25, 7.125)),
        Drops: new Dictionary<string, long> { ["decode"] = 0 },
        Reconnects: 0,
        Vehicles: Enumerable.Range(0, labels).ToDictionary(i => $"label-{i:000}", i => (long)i));

    public static ReviewSampleInfo SampleInfo(int index) => new(
        DeviceId: "box-07",
        CameraId: "cam-1",
        SampleId: $"sample-{index}",
        TrackId: index,
        CapturedAt: Start.AddSeconds(index),
        ModelName: "vehicle-classifier",
        ModelVersion: "1.0.0",
        PredictedLabel: "van",
        Confidence: 0.35,
        Probabilities: new Dictionary<string, double> { ["van"] = 0.35, ["car"] = 0.33, ["truck"] = 0.32 },
        Reason: SampleReasons.LowConfidence);

    /// <summary>An estimated precision report of one window, with drift.</summary>
    public static PrecisionReport Precision(int window) => new(
        DeviceId: "box-07",
        CameraId: "cam-1",
        ModelName: "vehicle-classifier",
        ModelVersion: "1.0.0",
        Source: PrecisionSources.Estimated,
        WindowStart: Start.AddMinutes(window),
        WindowEnd: Start.AddMinutes(window + 1),
        Classes: new Dictionary<string, ClassPrecision> { ["car"] = new(12, 10.42), ["van"] = new(3, 1.9) },
        Drift: new DriftSignals(15, 0.04, 0.08, 0.12, 0.15, 96.5, 31.2, 0.012));

    /// <summary>Random bytes standing in for a JPEG: incompressible, like the real thing.</summary>
    public static byte[] Jpeg(int index, int bytes)
    {
        var jpeg = new byte[bytes];
        new Random(index).NextBytes(jpeg);
        return jpeg;
    }

    public static PendingRecord PendingEvent(long trackId) => new PendingVehicleEvent(Event(trackId), Start);

    public static PendingRecord PendingStats(int interval, int labels = 4) => new PendingCameraStats(Stats(interval, labels), Start);

    public static PendingRecord PendingPrecision(int window) => new PendingPrecisionReport(Precision(window), Start);

    public static PendingRecord PendingSample(int index, int jpegBytes = 1000) =>
        new PendingReviewSample(SampleInfo(index), Jpeg(index, jpegBytes), Start);
}
