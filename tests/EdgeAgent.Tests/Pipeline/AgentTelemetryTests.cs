using System.Text.Json;
using EdgeMlops.EdgeAgent.Tests.Support;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

/// <summary>What the agent accounts for and stores besides vehicle events: drops, review samples, interval stats.</summary>
public sealed class AgentTelemetryTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-agent-");
    private string Db => _dir.File("agent.db");

    [Fact]
    public async Task Under_a_slow_classifier_frames_are_dropped_at_decode_and_every_frame_is_accounted_for()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "8s", "--db", Db,
            "--Batching:SimulatedDelay=00:00:00.200", "--Batching:MaxBatchSize=4", "--Batching:QueueCapacity=4",
            "--camera", "synthetic://highway?seed=8&density=60");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var camera = agent.Summary().GetProperty("cameras")[0];
        long decoded = camera.GetProperty("decoded").GetInt64();
        long processed = camera.GetProperty("frames").GetInt64();
        long dropped = camera.GetProperty("drops").GetProperty("decode").GetInt64();
        Assert.True(dropped > 0, $"no drops: decoded {decoded}, processed {processed}");
        Assert.Equal(decoded, processed + dropped);
        // Decode itself kept its pace: the slow stage did not block the camera.
        Assert.True(decoded > 150, $"decode slowed down to {decoded} frames in 8 s");
    }

    [Fact]
    public async Task Sampled_vehicles_are_stored_with_a_decodable_JPEG_crop_and_their_probabilities()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "8s", "--db", Db, "--Samples:RandomShare=1",
            "--camera", "synthetic://highway?seed=9");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        using var db = new SQLiteConnection(Db);
        int events = db.ExecuteScalar<int>("select count(*) from vehicle_events");
        var samples = db.Query<SampleRow>("select payload as Payload, jpeg as Jpeg from review_samples");
        Assert.True(events > 0);
        Assert.Equal(events, samples.Count);
        foreach (var sample in samples)
        {
            using var image = OpenCvSharp.Cv2.ImDecode(sample.Jpeg, OpenCvSharp.ImreadModes.Color);
            Assert.False(image.Empty());
            using var payload = JsonDocument.Parse(sample.Payload);
            Assert.Equal(5, payload.RootElement.GetProperty("probabilities").EnumerateObject().Count());
            Assert.True(EdgeMlops.Contracts.SampleReasons.IsKnown(payload.RootElement.GetProperty("reason").GetString()));
        }
    }

    [Fact]
    public async Task Camera_stats_are_stored_per_interval_and_add_up_to_the_run()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "7s", "--db", Db, "--Agent:StatsInterval=00:00:02",
            "--camera", "synthetic://highway?seed=10");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        using var db = new SQLiteConnection(Db);
        var stats = db.QueryScalars<string>("select payload from camera_stats order by seq").Select(p => JsonDocument.Parse(p).RootElement).ToList();
        Assert.True(stats.Count >= 3, $"{stats.Count} stats records");
        Assert.Equal(agent.Summary().GetProperty("frames").GetInt64(), stats.Sum(s => s.GetProperty("frames").GetInt64()));
        Assert.All(stats, s => Assert.True(s.GetProperty("latencyMs").TryGetProperty("endToEnd", out _)));
    }

    [Fact]
    public async Task A_configured_counting_line_marks_the_vehicles_that_cross_it()
    {
        // cam1: a vertical line across all lanes; cam2: the same scene with a line in the sky, which nothing crosses.
        string[] Line(int camera, int fromY, int toY) =>
        [
            $"--Cameras:{camera}:Id=cam{camera + 1}", $"--Cameras:{camera}:Source=synthetic://highway?seed=3",
            $"--Cameras:{camera}:CountingLine:From:X=320", $"--Cameras:{camera}:CountingLine:From:Y={fromY}",
            $"--Cameras:{camera}:CountingLine:To:X=320", $"--Cameras:{camera}:CountingLine:To:Y={toY}",
        ];
        using var agent = new AgentProcess(_dir.Path, ["--duration", "12s", "--db", Db, .. Line(0, 150, 359), .. Line(1, 0, 40)]);

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        using var db = new SQLiteConnection(Db);
        var events = db.QueryScalars<string>("select payload from vehicle_events").Select(p => JsonDocument.Parse(p).RootElement).ToList();
        bool Crossed(JsonElement e) => e.TryGetProperty("crossedLine", out var c) && c.GetBoolean();
        var road = events.Where(e => e.GetProperty("cameraId").GetString() == "cam1").ToList();
        var sky = events.Where(e => e.GetProperty("cameraId").GetString() == "cam2").ToList();
        Assert.NotEmpty(road);
        Assert.NotEmpty(sky);
        Assert.True(road.Count(Crossed) * 2 >= road.Count, $"{road.Count(Crossed)} of {road.Count} crossed the road line");
        Assert.DoesNotContain(sky, Crossed);
    }

    private sealed class SampleRow
    {
        public string Payload { get; set; } = "";
        public byte[] Jpeg { get; set; } = [];
    }

    public void Dispose() => _dir.Dispose();
}
