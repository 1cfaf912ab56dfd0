using System.Text.Json;
using EdgeMlops.EdgeAgent.Tests.Support;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

/// <summary>
/// A recorded video with a <c>.truth.jsonl</c> sidecar beside it is scored like the synthetic camera it was
/// recorded from; a video without one has nothing to be scored against.
/// </summary>
public sealed class FileGroundTruthTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-file-truth-");

    private string Db => _dir.File("agent.db");

    private static long Sum(JsonElement counts) => counts.EnumerateObject().Sum(p => p.Value.GetInt64());

    [Fact]
    public async Task A_video_file_with_a_truth_sidecar_gets_a_truth_block_that_agrees_with_it()
    {
        var video = SyntheticVideoWriter.Write(new HighwaySceneOptions { Seed = 3 }, TimeSpan.FromSeconds(20), _dir.File("day.mp4"));

        // Ground-truth boxes from the sidecar: this measures tracking and classification of the recorded video.
        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--camera", video.VideoPath,
            "--Cameras:0:Proposals=GroundTruth", "--Cameras:0:FilePacing=AsFastAsPossible");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        var summary = agent.Summary();
        Assert.Equal(video.FrameCount, summary.GetProperty("frames").GetInt64());
        Assert.True(summary.TryGetProperty("truth", out var truth), $"no truth block: {summary}\n{agent.Stderr}");
        Assert.True(Sum(truth.GetProperty("vehicles")) >= 10, "too few vehicles in 20 s of traffic to judge");
        Assert.True(truth.GetProperty("countRecall").GetDouble() >= 0.9, truth.ToString());
        Assert.True(truth.GetProperty("macroPrecision").GetDouble() >= 0.85, truth.ToString());
        foreach (var label in new[] { "car", "van", "truck", "bus", "motorcycle" })
            Assert.True(truth.GetProperty("precision").TryGetProperty(label, out _) || truth.GetProperty("vehicles").GetProperty(label).GetInt32() == 0, label);
    }

    [Fact]
    public async Task A_video_file_without_a_sidecar_has_no_truth_block_and_cannot_use_ground_truth_proposals()
    {
        var video = SyntheticVideoWriter.Write(new HighwaySceneOptions { Seed = 4 }, TimeSpan.FromSeconds(4), _dir.File("plain.mp4"));
        File.Delete(video.TruthPath);

        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--camera", video.VideoPath, "--Cameras:0:FilePacing=AsFastAsPossible",
            "--camera", video.VideoPath, "--Cameras:1:Proposals=GroundTruth");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var summary = agent.Summary();
        Assert.Equal(video.FrameCount, summary.GetProperty("frames").GetInt64());
        Assert.True(Sum(summary.GetProperty("vehicles")) > 0, summary.ToString());
        Assert.False(summary.TryGetProperty("truth", out _), summary.ToString());
        var cameras = summary.GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("camera").GetString()!);
        Assert.Contains("sidecar", cameras["cam2"].GetProperty("error").GetString());
    }

    public void Dispose() => _dir.Dispose();
}
