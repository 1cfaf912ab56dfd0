using System.Text.Json;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Monitoring;

/// <summary>Precision reports as boxes publish them, and review outcomes as the review writes them.</summary>
internal static class PrecisionPayloads
{
    public const string Model = "vehicle-classifier";

    /// <summary>A one-minute report starting <paramref name="minute"/> minutes after <see cref="Payloads.Time0"/>.</summary>
    public static PrecisionReport Report(string deviceId, int minute, IReadOnlyDictionary<string, ClassPrecision> classes,
        string? camera = "cam-1", string source = PrecisionSources.Truth, string version = "1.0.0", DriftSignals? drift = null) =>
        new(deviceId, source == PrecisionSources.Canary ? null : camera, Model, version, source,
            Payloads.Time0.AddMinutes(minute), Payloads.Time0.AddMinutes(minute + 1), classes, drift);

    public static Dictionary<string, ClassPrecision> Classes(params (string Label, double Predicted, double Correct)[] classes) =>
        classes.ToDictionary(c => c.Label, c => new ClassPrecision(c.Predicted, c.Correct));

    public static string Json(PrecisionReport report) => JsonSerializer.Serialize(report, ContractsJsonContext.Default.PrecisionReport);

    public static RawOutboxRecord Record(long seq, PrecisionReport report) =>
        new(seq, OutboxKinds.Precision, report.WindowEnd, Json(report));

    /// <summary>A telemetry batch of precision reports with seqs from <paramref name="firstSeq"/>.</summary>
    public static byte[] Batch(string deviceId, long epoch, long firstSeq, params PrecisionReport[] reports) =>
        Payloads.Batch(deviceId, epoch, reports.Select((r, i) => Record(firstSeq + i, r)).ToList());

    /// <summary>One reviewed sample's outcome, written straight into <c>review_outcomes</c> as the review does.</summary>
    /// The sample itself is stored too, taken for <paramref name="reason"/> (only random samples measure precision).
    public static void Outcome(HubDatabase database, string deviceId, long seq, string camera, string predicted, string? label,
        DateTimeOffset time, string state = "labelled", string version = "1.0.0", string reason = SampleReasons.Random) =>
        database.Write(connection =>
        {
            var ms = time.ToUnixTimeMilliseconds();
            connection.Execute("""
                INSERT INTO samples (device_id, epoch, seq, camera_id, time, label, confidence, sample_id, reason, created_at, received_at, image_path, image_bytes, payload)
                VALUES (?, 1, ?, ?, ?, ?, 0.9, ?, ?, ?, ?, '', 0, '{}')
                """, deviceId, seq, camera, ms, predicted, $"{camera}-{seq}", reason, ms, ms);
            return connection.Execute("""
                INSERT INTO review_outcomes (device_id, epoch, seq, camera_id, model_name, model_version, predicted, label, state, time, decided_at)
                VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, deviceId, seq, camera, Model, version, predicted, label, state, ms, ms);
        });
}
