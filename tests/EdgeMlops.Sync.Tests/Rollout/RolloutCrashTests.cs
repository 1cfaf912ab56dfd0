using System.Text.Json;
using EdgeMlops.Sync.Tests.Reliability;
using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Rollout;

/// <summary>
/// Processes that die mid-rollout (SIGKILL: no clean-up, no goodbye) and devices that are away: a restarted agent
/// serves a consistent, verified model and the rollout ends right; a restarted hub carries on from its database; a
/// device offline during the rollout converges when it returns.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class RolloutCrashTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task An_agent_killed_mid_download_restarts_on_v1_downloads_again_and_the_rollout_completes_on_v2()
    {
        using var download = await SlowDownload.StartMidwayAsync("site=agentkill");
        var (rig, box, id) = (download.Rig, download.Box, download.RolloutId);
        box.Process.KillHard();
        await box.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        AssertPointerNames(box, FleetRig.V1, orNone: true);

        // What had landed died with the process's write buffer or stays as a .part to resume: either way the box
        // must start on v1 and finish v2 from the hub.
        box.Start();
        await rig.WaitForRolloutAsync(id, "completed");
        await rig.WaitUntilServingAsync(box, FleetRig.V2);
        AssertPointerNames(box, FleetRig.V2);
        await rig.WaitForEventFromAsync(box, FleetRig.V2);
    }

    [Fact]
    public async Task An_agent_killed_during_the_swap_restarts_on_a_verified_model_and_the_rollout_completes_on_v2()
    {
        using var rig = await FleetRig.StartAsync(1, "site=swapkill");
        await rig.StartAgentsAsync();
        var box = rig.Agents[0];

        var id = await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, selector = "site=swapkill", window = Window });
        // Validation passed: the next steps are the pointer write and the swap. Killed here, the box must come back on
        // one whole version, whichever the pointer names, never on a half-installed one.
        await box.Process.WaitForLogAsync($"Model {FleetRig.ModelName} {FleetRig.V2} validated", TimeSpan.FromSeconds(120));
        box.Process.KillHard();
        await box.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var pointer = ReadPointer(box);
        Assert.True(pointer is null || pointer == FleetRig.V1 || pointer == FleetRig.V2, $"current.json names '{pointer}'");

        box.Start();
        await rig.WaitForRolloutAsync(id, "completed");
        await rig.WaitUntilServingAsync(box, FleetRig.V2);
        AssertPointerNames(box, FleetRig.V2);
        Assert.DoesNotContain("failed", box.Log.Split('\n').Where(l => l.Contains("Deployment of model")));
        await rig.WaitForEventFromAsync(box, FleetRig.V2);
    }

    [Fact]
    public async Task A_hub_killed_mid_rollout_carries_on_after_its_restart_and_the_rollout_completes()
    {
        using var rig = await FleetRig.StartAsync(2, "site=hubcrash");
        await rig.StartAgentsAsync();
        // One canary, then the other device after a window long enough to kill the hub inside it.
        var id = await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, selector = "site=hubcrash", canary = 1, window = TimeSpan.FromSeconds(6) });
        var canary = await WaitForCanaryActiveAsync(rig, id);

        rig.Hub.Kill();
        await rig.Hub.StartAsync();

        var rollout = await rig.WaitForRolloutAsync(id, "completed");
        var counters = rollout.GetProperty("counters");
        Assert.Equal(2, counters.GetProperty("targeted").GetInt32());
        Assert.Equal(2, counters.GetProperty("succeeded").GetInt32());
        Assert.Equal(0, counters.GetProperty("failed").GetInt32());
        foreach (var box in rig.Agents)
        {
            await rig.WaitUntilServingAsync(box, FleetRig.V2);
            Assert.Equal(1, box.Starts);
        }
        Assert.Contains(canary, rig.Agents.Select(a => a.DeviceId));
    }

    [Fact]
    public async Task A_device_offline_during_the_rollout_converges_to_v2_when_it_returns_and_the_rollout_then_completes()
    {
        using var rig = await FleetRig.StartAsync(2, "site=offline");
        await rig.StartAgentsAsync();
        var (online, away) = (rig.Agents[0], rig.Agents[1]);
        await away.StopAsync();

        var id = await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, selector = "site=offline", waveBase = 2, window = Window });
        await rig.WaitUntilServingAsync(online, FleetRig.V2);
        // The away device holds the rollout open: it has not reported v2, so the rollout cannot be complete.
        await Task.Delay(Window * 2);
        Assert.Equal("running", (await rig.RolloutAsync(id)).GetProperty("state").GetString());

        away.Start();
        await rig.WaitForRolloutAsync(id, "completed");
        await rig.WaitUntilServingAsync(away, FleetRig.V2);
        AssertPointerNames(away, FleetRig.V2);
    }

    private static async Task<string> WaitForCanaryActiveAsync(FleetRig rig, long id)
    {
        string? canary = null;
        await Eventually.HoldsAsync(() =>
            {
                var view = rig.RolloutAsync(id).GetAwaiter().GetResult();
                canary = view.GetProperty("devices").EnumerateArray()
                    .Where(d => d.GetProperty("state").GetString() == "active")
                    .Select(d => d.GetProperty("deviceId").GetString())
                    .FirstOrDefault();
                return canary is not null;
            },
            () => $"a canary of rollout {id} to be active\n{rig.Logs()}", TimeSpan.FromSeconds(120));
        return canary!;
    }

    /// <summary>The version <c>current.json</c> (the box's atomic pointer) names, or null when the box has none yet.</summary>
    private static string? ReadPointer(FleetAgent box)
    {
        var path = Path.Combine(box.StateDirectory, "current.json");
        if (!File.Exists(path))
            return null;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("version").GetString();
    }

    private static void AssertPointerNames(FleetAgent box, string version, bool orNone = false)
    {
        var pointer = ReadPointer(box);
        if (orNone && pointer is null)
            return;
        Assert.Equal(version, pointer);
    }
}
