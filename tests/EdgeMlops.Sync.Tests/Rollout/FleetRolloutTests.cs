using System.Text.Json;
using EdgeMlops.Sync.Tests.Reliability;
using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Rollout;

/// <summary>
/// Issue 10's happy paths end to end: a real hub (registry + rollout) and real classifying agents (model manager) over
/// the hub's embedded broker. Every test ends on which version each box SERVES, from its reported state and from the
/// events the hub stored, each of which names the model that classified it.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class FleetRolloutTests
{
    private const string Tag = "site=north";

    [Fact]
    public async Task V2_rolled_to_a_tag_of_three_classifying_agents_and_rolled_back_swaps_them_live_without_restarts_or_drops()
    {
        using var rig = await FleetRig.StartAsync(3, Tag);
        await rig.StartAgentsAsync();

        var id = await rig.CreateRolloutAsync(new
        {
            model = FleetRig.ModelName, version = FleetRig.V2, selector = Tag, waveBase = 3, window = "00:00:02", probationSeconds = 0,
        });
        var done = await rig.WaitForRolloutAsync(id, "completed");
        AssertCounters(done, targeted: 3, applied: 3, succeeded: 3, failed: 0);
        foreach (var agent in rig.Agents)
        {
            await rig.WaitUntilServingAsync(agent, FleetRig.V2);
            await rig.WaitForEventFromAsync(agent, FleetRig.V2);
        }

        await rig.RolloutActionAsync(id, "rollback");
        await rig.WaitForRolloutAsync(id, "rolled-back");
        foreach (var agent in rig.Agents)
        {
            await rig.WaitUntilServingAsync(agent, FleetRig.V1);
            var lastV2 = rig.StoredEvents(agent).Last(e => e.ModelVersion == FleetRig.V2).Seq;
            await rig.WaitForEventFromAsync(agent, FleetRig.V1, afterSeq: lastV2);
        }

        foreach (var agent in rig.Agents)
        {
            // v1 -> v2 -> v1: once a box's events name the next version, none names the one before (swap at a batch boundary).
            var versions = rig.StoredEvents(agent).Select(e => e.ModelVersion).ToList();
            Assert.Equal([FleetRig.V1, FleetRig.V2, FleetRig.V1], Runs(versions));
            Assert.True(agent.Starts == 1 && !agent.Process.HasExited, $"{agent.DeviceId} was restarted or exited:\n{agent.Log}");
            Assert.DoesNotContain(rig.StoredDrops(agent), drop => drop.Value > 0);
            Assert.Equal(FleetRig.V1, rig.ServedVersion(agent));
        }
    }

    /// <summary>The sequence of distinct versions, consecutive repeats folded: [1, 1, 2, 2, 1] -> [1, 2, 1].</summary>
    private static List<string?> Runs(IEnumerable<string?> versions)
    {
        var runs = new List<string?>();
        foreach (var version in versions)
        {
            if (runs.Count == 0 || runs[^1] != version)
                runs.Add(version);
        }
        return runs;
    }

    private static void AssertCounters(JsonElement rollout, int targeted, int applied, int succeeded, int failed)
    {
        var counters = rollout.GetProperty("counters");
        Assert.True(
            counters.GetProperty("targeted").GetInt32() == targeted && counters.GetProperty("applied").GetInt32() == applied &&
            counters.GetProperty("succeeded").GetInt32() == succeeded && counters.GetProperty("failed").GetInt32() == failed,
            $"counters: expected targeted {targeted}, applied {applied}, succeeded {succeeded}, failed {failed}; rollout:\n{rollout}");
    }
}
