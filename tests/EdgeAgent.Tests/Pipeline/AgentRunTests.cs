using System.Text.Json;
using EdgeMlops.EdgeAgent.Tests.Support;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

/// <summary>The edge agent as users run it: a real process, real SQLite file, real signals.</summary>
public sealed class AgentRunTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-agent-");
    private string Db => _dir.File("agent.db");

    private static long Sum(JsonElement counts) => counts.EnumerateObject().Sum(p => p.Value.GetInt64());

    private List<long> EventSeqs()
    {
        using var db = new SQLiteConnection(Db);
        return db.QueryScalars<long>("select seq from vehicle_events order by seq");
    }

    private List<long> AllSeqs()
    {
        using var db = new SQLiteConnection(Db);
        return db.QueryScalars<long>("select seq from vehicle_events union all select seq from review_samples union all select seq from camera_stats union all select seq from precision_reports order by seq");
    }

    [Fact]
    public async Task Runs_for_a_duration_and_prints_one_summary_that_agrees_with_synthetic_ground_truth()
    {
        // Ground-truth boxes: this measures tracking, the class vote and the classifier, not detection.
        using var agent = new AgentProcess(_dir.Path, "--duration", "20s", "--db", Db, "--Cameras:0:Id=cam1",
            "--Cameras:0:Source=synthetic://highway?seed=3&condition=day", "--Cameras:0:Proposals=GroundTruth");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var summary = agent.Summary();
        Assert.True(summary.GetProperty("frames").GetInt64() > 300, agent.Stderr);
        Assert.True(summary.GetProperty("fps").GetDouble() > 15);
        foreach (var stage in new[] { "decode", "proposals", "classify", "track", "endToEnd" })
            Assert.True(summary.GetProperty("latencyMs").GetProperty(stage).GetProperty("p95").GetDouble() > 0, stage);
        var truth = summary.GetProperty("truth");
        Assert.True(Sum(truth.GetProperty("vehicles")) >= 10, "too few vehicles in 20 s of traffic to judge");
        Assert.True(truth.GetProperty("countRecall").GetDouble() >= 0.9, truth.ToString());
        Assert.True(truth.GetProperty("macroPrecision").GetDouble() >= 0.85, truth.ToString());
        // Every counted vehicle is an event in the store, and the device's records (events, samples, stats) are
        // numbered 1..N without gaps.
        Assert.Equal(Sum(summary.GetProperty("vehicles")), EventSeqs().Count);
        var all = AllSeqs();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all);
        Assert.Contains("fps, vehicles", agent.Stderr); // the status line
    }

    [Fact]
    public async Task Motion_proposals_count_and_classify_synthetic_day_traffic()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "30s", "--db", Db, "--camera", "synthetic://highway?seed=3&condition=day");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(80)));

        // Measured on this seed: recall 0.915, macro precision 0.927 (no drops). The bound leaves room for frames
        // dropped on a loaded CI machine; see the issue note for the detection work that remains.
        var truth = agent.Summary().GetProperty("truth");
        Assert.True(truth.GetProperty("countRecall").GetDouble() >= 0.85, truth.ToString());
        Assert.True(truth.GetProperty("macroPrecision").GetDouble() >= 0.85, truth.ToString());
    }

    [Fact]
    public async Task Several_cameras_run_side_by_side_and_a_broken_one_does_not_stop_the_others()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "8s", "--db", Db,
            "--camera", "synthetic://highway?seed=1",
            "--camera", "synthetic://highway?seed=2&condition=fog:0.5",
            "--camera", "synthetic://highway?seed=oops");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var cameras = agent.Summary().GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("camera").GetString()!);
        Assert.True(cameras["cam1"].GetProperty("frames").GetInt64() > 100);
        Assert.True(cameras["cam2"].GetProperty("frames").GetInt64() > 100);
        Assert.Equal(0, cameras["cam3"].GetProperty("frames").GetInt64());
        Assert.Contains("seed", cameras["cam3"].GetProperty("error").GetString());
        Assert.Contains("cam3", agent.Stderr);
    }

    [Fact]
    public async Task An_H264_file_encoded_by_ffmpeg_is_counted_and_a_missing_file_beside_it_is_an_error_for_that_camera_only()
    {
        var rendered = _dir.File("rendered.mp4");
        EdgeMlops.Synthetic.Video.SyntheticVideoWriter.Write(new EdgeMlops.Synthetic.Scenes.HighwaySceneOptions { Seed = 12 }, TimeSpan.FromSeconds(6), rendered);
        var h264 = _dir.File("h264.mp4");
        using (var ffmpeg = System.Diagnostics.Process.Start("ffmpeg", ["-y", "-loglevel", "error", "-i", rendered, "-c:v", "libx264", "-pix_fmt", "yuv420p", h264]))
        {
            await ffmpeg.WaitForExitAsync();
            Assert.Equal(0, ffmpeg.ExitCode);
        }

        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--camera", h264, "--camera", _dir.File("missing.mp4"));

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var cameras = agent.Summary().GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("camera").GetString()!);
        Assert.Equal(150, cameras["cam1"].GetProperty("frames").GetInt64());
        Assert.True(Sum(cameras["cam1"].GetProperty("vehicles")) > 0);
        Assert.Contains("missing.mp4", cameras["cam2"].GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_source_that_ends_stops_the_agent_by_itself()
    {
        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--camera", "synthetic://highway?seed=4&duration=3s&fps=10");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(40)));

        Assert.Equal(30, agent.Summary().GetProperty("frames").GetInt64());
    }

    [Fact]
    public async Task SIGTERM_drains_the_pipeline_and_loses_no_accepted_vehicle()
    {
        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--Agent:StatusInterval=00:00:01", "--camera", "synthetic://highway?seed=5");
        await agent.WaitForLogAsync("vehicles car=", TimeSpan.FromSeconds(40));

        agent.Terminate();

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        long vehicles = Sum(agent.Summary().GetProperty("vehicles"));
        Assert.True(vehicles > 0);
        Assert.Equal(vehicles, EventSeqs().Count);
    }

    [Fact]
    public async Task After_SIGKILL_the_database_is_intact_and_sequence_numbers_continue()
    {
        using (var first = new AgentProcess(_dir.Path, "--db", Db, "--Agent:StatusInterval=00:00:01", "--camera", "synthetic://highway?seed=6"))
        {
            await first.WaitForLogAsync("vehicles car=", TimeSpan.FromSeconds(40));
            await Task.Delay(1500); // let a few batches commit
            first.KillHard();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        var before = EventSeqs();
        Assert.NotEmpty(before);

        using var second = new AgentProcess(_dir.Path, "--duration", "6s", "--db", Db, "--camera", "synthetic://highway?seed=7");
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var after = EventSeqs();
        using (var db = new SQLiteConnection(Db))
            Assert.Equal("ok", db.ExecuteScalar<string>("pragma integrity_check"));
        Assert.Equal(before, after.Take(before.Count));                  // nothing committed was lost
        Assert.True(after.Count > before.Count);
        Assert.Equal(after.Count, after.Distinct().Count());             // no sequence number reused
        Assert.True(after.Skip(before.Count).All(s => s > before[^1]));  // the new run continues above
    }

    [Fact]
    public async Task A_tampered_model_package_is_refused_before_loading_with_the_file_named()
    {
        var package = _dir.File("tampered");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(package, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var model = File.ReadAllBytes(Path.Combine(package, "model.onnx"));
        model[model.Length / 3] ^= 0x10;
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), model);

        using var agent = new AgentProcess(_dir.Path, "--duration", "5s", "--db", Db, "--model", package);

        Assert.Equal(3, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("FileTampered", agent.Stderr);
        Assert.Contains("model.onnx", agent.Stderr);
        Assert.Contains(package, agent.Stderr);
    }

    [Fact]
    public async Task A_wrong_configuration_value_is_a_clear_error_naming_the_key()
    {
        using var agent = new AgentProcess(_dir.Path, "--duration", "5s", "--db", Db, "--Batching:MaxBatchSize=0");

        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Batching:MaxBatchSize", agent.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
