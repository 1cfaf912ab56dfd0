namespace EdgeMlops.Contracts.Tests;

/// <summary>Valid messages with every field set, for tests to serialize or to spoil one field at a time.</summary>
internal static class SampleMessages
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 8, 30, 0, TimeSpan.FromHours(1));

    public static VehicleEvent Event() => new(
        DeviceId: "box-07",
        CameraId: "cam-north",
        TrackId: 4242,
        Label: "truck",
        Confidence: 0.91,
        TopK: [new("truck", 0.91), new("bus", 0.06), new("van", 0.03)],
        Box: new PixelBox(120, 64, 200, 140),
        FirstSeen: Start,
        LastSeen: Start.AddSeconds(3.5),
        Observations: 52,
        ModelName: "vehicle-classifier",
        ModelVersion: "1.4.0",
        TruthLabel: "truck",
        CrossedLine: true);

    public static CameraStats Stats() => new(
        DeviceId: "box-07",
        CameraId: "cam-north",
        IntervalStart: Start,
        IntervalEnd: Start.AddSeconds(10),
        Frames: 250,
        Fps: 24.9,
        LatencyMs: new Dictionary<string, LatencyPercentiles>
        {
            ["decode"] = new(3.1, 5.2, 8.0),
            ["classify"] = new(11.5, 19.0, 27.3),
        },
        Drops: new Dictionary<string, long> { ["decode"] = 0, ["classify"] = 3 },
        Reconnects: 1,
        Vehicles: new Dictionary<string, long> { ["car"] = 17, ["truck"] = 2 },
        EstimatedPrecision: 0.88,
        ModelName: "vehicle-classifier",
        ModelVersion: "1.4.0");

    public static ReviewSampleInfo Sample() => new(
        DeviceId: "box-07",
        CameraId: "cam-north",
        SampleId: "0f6a2b9c",
        TrackId: 4242,
        CapturedAt: Start.AddSeconds(1),
        ModelName: "vehicle-classifier",
        ModelVersion: "1.4.0",
        PredictedLabel: "van",
        Confidence: 0.41,
        Probabilities: new Dictionary<string, double> { ["van"] = 0.41, ["car"] = 0.39, ["truck"] = 0.2 },
        Reason: SampleReasons.LowConfidence);
}
