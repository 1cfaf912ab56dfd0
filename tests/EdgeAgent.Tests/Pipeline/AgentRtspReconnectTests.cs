using System.Text.Json;
using EdgeMlops.EdgeAgent.Tests.Support;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

/// <summary>
/// The real agent on a real RTSP camera (VLC on 127.0.0.1) beside a synthetic one: the RTSP server goes down for a
/// few seconds and comes back on the same port, and the agent picks the stream up again while the other camera
/// carries on.
/// </summary>
public sealed class AgentRtspReconnectTests : IDisposable
{
    // Generous: test assemblies run in parallel on two cores, and RTSP start-up slows down under that load.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    private readonly TempDirectory _dir = new("edgemlops-agent-rtsp-");

    private string Db => _dir.File("agent.db");

    /// <summary>One per-interval stats record of a camera, in the order stored.</summary>
    private sealed record Interval(long Frames, int Reconnects);

    [Fact]
    public async Task An_rtsp_camera_whose_server_is_stopped_and_restarted_reconnects_and_the_other_camera_is_unaffected()
    {
        using var server = new VlcRtspServer(SyntheticVideoReadableByAll());
        await server.StartAsync();
        using var agent = new AgentProcess(_dir.Path, "--db", Db, "--Agent:StatsInterval=00:00:01",
            "--camera", server.Url, "--camera", "synthetic://highway?seed=2");

        await Eventually.HoldsAsync(() => Frames("cam1") >= 25, () => $"RTSP frames in the store; server: {server.Output}\nagent: {agent.Stderr}", Timeout);
        server.Kill();
        await agent.WaitForLogAsync($"Camera cam1 lost {server.Url}", Timeout);
        long syntheticBeforeOutage = Frames("cam2");
        await Task.Delay(Outage);
        await server.StartAsync();
        await agent.WaitForLogAsync($"Camera cam1 reconnected to {server.Url}", Timeout);
        long rtspAtReconnect = Frames("cam1");
        await Eventually.HoldsAsync(() => Frames("cam1") >= rtspAtReconnect + 25, () => $"RTSP frames after the restart; agent: {agent.Stderr}", Timeout);
        long syntheticAfterOutage = Frames("cam2");
        agent.Terminate();

        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
        var cameras = agent.Summary().GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("camera").GetString()!);
        var rtsp = cameras["cam1"];
        Assert.True(rtsp.GetProperty("reconnects").GetInt64() >= 1, rtsp.ToString());
        Assert.False(rtsp.TryGetProperty("error", out _), rtsp.ToString());
        var rtspIntervals = Intervals("cam1");
        int reconnectedIn = rtspIntervals.FindIndex(i => i.Reconnects > 0);
        Assert.True(reconnectedIn >= 0, "no stats interval recorded the reconnect");
        Assert.True(rtspIntervals.Take(reconnectedIn).Sum(i => i.Frames) >= 25, "no frames before the outage");
        Assert.True(rtspIntervals.Skip(reconnectedIn).Sum(i => i.Frames) >= 25, "no frames after the reconnect");

        // The synthetic camera never reconnected, never failed, and delivered frames throughout the outage.
        var synthetic = cameras["cam2"];
        Assert.Equal(0, synthetic.GetProperty("reconnects").GetInt64());
        Assert.False(synthetic.TryGetProperty("error", out _), synthetic.ToString());
        Assert.True(syntheticAfterOutage > syntheticBeforeOutage, $"cam2 stood still: {syntheticBeforeOutage} -> {syntheticAfterOutage}");
        Assert.All(Intervals("cam2"), i => Assert.Equal(0, i.Reconnects));
        Assert.DoesNotContain("Camera cam2 lost", agent.Stderr);
    }

    /// <summary>A synthetic highway clip that VLC, running as <c>nobody</c>, may read; VLC loops it.</summary>
    private string SyntheticVideoReadableByAll()
    {
        var video = SyntheticVideoWriter.Write(new HighwaySceneOptions { Seed = 11 }, TimeSpan.FromSeconds(10), _dir.File("highway.mp4"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(video.VideoPath, (UnixFileMode)0b110_100_100);
        }
        return video.VideoPath;
    }

    /// <summary>Frames the camera's stored stats intervals add up to so far (the store commits within a fraction of a second).</summary>
    private long Frames(string camera) => Intervals(camera).Sum(i => i.Frames);

    /// <summary>The camera's stats records so far; none while the agent has not yet created its database.</summary>
    private List<Interval> Intervals(string camera)
    {
        if (!File.Exists(Db)) return [];
        using var db = new SQLiteConnection(new SQLiteConnectionString(Db, SQLiteOpenFlags.ReadOnly, storeDateTimeAsTicks: true));
        if (db.ExecuteScalar<int>("select count(*) from sqlite_master where type = 'table' and name = 'camera_stats'") == 0) return [];
        return db.QueryScalars<string>("select payload from camera_stats where camera_id = ? order by seq", camera)
            .Select(p => JsonDocument.Parse(p).RootElement)
            .Select(s => new Interval(s.GetProperty("frames").GetInt64(), s.GetProperty("reconnects").GetInt32()))
            .ToList();
    }

    public void Dispose() => _dir.Dispose();
}
