using System.Text.Json;
using EdgeMlops.Sync.Tests.Reliability;
using EdgeMlops.Sync.Tests.Support;
using SQLite;
using Xunit.Abstractions;

namespace EdgeMlops.Sync.Tests.Review;

/// <summary>
/// The review loop with real processes: a box on a synthetic camera sends review samples carrying ground truth, the
/// hub's simulated reviewer (enabled by configuration) labels them from that truth, and the reviewed precision lands in
/// the box's desired state, which the hub publishes to it and the box echoes in its reported state.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ReviewLoopTests(ITestOutputHelper output)
{
    private const string DeviceId = "box-review";

    [Fact]
    public async Task Samples_with_truth_are_labelled_by_the_simulated_reviewer_and_reviewed_precision_reaches_the_box()
    {
        using var directory = new TempDirectory();
        using var hub = HubProcess.WithEmbeddedBroker(directory.Path);
        hub.Settings.AddRange([
            "--Hub:Review:SimulatedReviewer:Enabled=true",
            "--Hub:Review:SimulatedReviewer:LabelsPerMinute=6000",
            "--Hub:Review:PublishInterval=00:00:01",
        ]);
        var secret = hub.Enroll(DeviceId);
        await hub.StartAsync();
        Assert.Contains("Simulated reviewer is ON", hub.Log);

        using var agent = new DotnetProcess("edge-agent (review)", BuiltPrograms.EdgeAgent, directory.Path,
        [
            "--device-id", DeviceId,
            "--db", directory.File("agent.db"),
            "--broker", hub.BrokerUrl,
            "--Sync:Password=" + secret,
            "--camera", "synthetic://highway?seed=11&condition=day&fps=5&width=320&height=180",
            // Every vehicle kept for review, so the loop has samples within seconds.
            "--Samples:RandomShare=1",
            "--Agent:StatsInterval=00:00:01",
            "--Metrics:Url=",
        ]);

        JsonElement? figures = null;
        await Eventually.HoldsAsync(() => (figures = ReviewedPrecision(hub.DatabasePath)) is { } f && f.EnumerateArray().Sum(c => c.GetProperty("samples").GetInt64()) >= 5,
            () => $"reviewed precision of {DeviceId} from at least 5 samples in its desired state; now {figures}\nhub log:\n{Tail(hub.Log)}\nagent log:\n{Tail(agent.Stderr)}",
            TimeSpan.FromSeconds(120));

        output.WriteLine($"reviewedPrecision: {figures}");
        var camera = figures!.Value.EnumerateArray().First();
        Assert.Equal("1.0.0", camera.GetProperty("modelVersion").GetString());
        var precision = camera.GetProperty("precision").GetDouble();
        Assert.InRange(precision, camera.GetProperty("lower").GetDouble(), camera.GetProperty("upper").GetDouble());
        using var db = new SQLiteConnection(hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        // Only the simulated reviewer labelled, and only samples that carried truth, each with that truth.
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM review_labels WHERE simulated = 0 OR reviewer != 'simulated-reviewer'"));
        Assert.Equal(0, db.ExecuteScalar<long>("""
            SELECT count(*) FROM review_labels l JOIN samples s ON s.device_id = l.device_id AND s.epoch = l.epoch AND s.seq = l.seq
            WHERE json_extract(s.payload, '$.truthLabel') IS NULL OR json_extract(s.payload, '$.truthLabel') != l.label
            """));
        Assert.True(db.ExecuteScalar<long>("SELECT count(*) FROM review_labels") >= 5);

        // The box got it: its reported state echoes a reviewed precision the hub wrote.
        string? reported = null;
        await Eventually.HoldsAsync(() => (reported = Reported(hub.DatabasePath)) is not null,
            () => $"{DeviceId} to report its reviewed precision; reported: {reported}\nagent log:\n{Tail(agent.Stderr)}", TimeSpan.FromSeconds(60));
        using var echoed = JsonDocument.Parse(reported!);
        var first = echoed.RootElement.EnumerateArray().First();
        Assert.Equal(camera.GetProperty("cameraId").GetString(), first.GetProperty("cameraId").GetString());
        Assert.True(first.GetProperty("samples").GetInt64() >= 5);
    }

    /// <summary>The <c>reviewedPrecision</c> of the device's last reported state at the hub, or null.</summary>
    private static string? Reported(string hubDatabase)
    {
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<string?>("SELECT json_extract(reported_json, '$.reviewedPrecision') FROM devices WHERE id = ?", DeviceId);
    }

    /// <summary>The device's desired <c>reviewedPrecision</c> cameras as the hub stored them, or null.</summary>
    private static JsonElement? ReviewedPrecision(string hubDatabase)
    {
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        var json = db.ExecuteScalar<string?>("SELECT json_extract(json, '$.properties.reviewedPrecision.cameras') FROM desired_states WHERE device_id = ?", DeviceId);
        return json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
    }

    private static string Tail(string? log) => string.Join('\n', (log ?? "").Split('\n').TakeLast(30));
}
