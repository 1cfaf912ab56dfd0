using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.Sync.Tests.Support;
using SQLite;

namespace EdgeMlops.Sync.Tests.Reliability;

/// <summary>
/// Two real agent processes started from copies of one store file (a cloned disk image: same device id, secret and
/// epoch) against a real hub: the hub sees the conflicts and raises cloned-device, keeps what it stored first, and once
/// an operator clears the condition with a new-epoch instruction, both boxes move to epochs of their own and every
/// record of both reaches the hub.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ClonedBoxTests
{
    private const string DeviceId = "box-clone";
    private const int SharedBacklog = 300;

    [Fact]
    public async Task Two_boxes_with_one_identity_raise_cloned_device_overwrite_nothing_and_after_the_new_epoch_both_are_stored()
    {
        using var directory = new TempDirectory();
        using var hub = HubProcess.WithEmbeddedBroker(directory.Path);
        var secret = hub.Enroll(DeviceId);
        var token = hub.AddOperator("ops", "operator");
        await hub.StartAsync();
        var boxA = directory.File("box-a.db");
        var boxB = directory.File("box-b.db");
        Backlog.Seed(boxA, DeviceId, SharedBacklog);
        File.Copy(boxA, boxB);
        var sharedEpoch = StoredRecords.AtAgent(boxA).Epoch;

        using var agentA = StartAgent(directory.Path, "a", boxA, hub.BrokerUrl, secret, seed: 5);
        using var agentB = StartAgent(directory.Path, "b", boxB, hub.BrokerUrl, secret, seed: 9);
        await Eventually.HoldsAsync(() => ConditionRaised(hub.DatabasePath),
            () => $"the hub to raise cloned-device on {DeviceId}\nhub log:\n{Tail(hub.Log)}\nagent a:\n{Tail(agentA.Stderr)}", TimeSpan.FromSeconds(90));
        using var api = new HttpClient { BaseAddress = hub.ApiAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var device = await api.GetFromJsonAsync<JsonElement>($"/api/devices/{DeviceId}");
        Assert.Contains("cloned-device", device.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));
        await Eventually.HoldsAsync(() => ConflictingRecords(hub.DatabasePath) > 0, "conflicting records kept as evidence", TimeSpan.FromSeconds(60));
        var storedBefore = Payloads(hub.DatabasePath, sharedEpoch);

        var cleared = await api.PostAsJsonAsync($"/api/devices/{DeviceId}/conflicts/clear", new { newEpochAfter = sharedEpoch });
        Assert.True(cleared.IsSuccessStatusCode, await cleared.Content.ReadAsStringAsync());

        foreach (var agent in new[] { agentA, agentB })
            await AssertExitsCleanlyAsync(agent);
        // The two sessions still fight over the one client id until one box stops (the operator's next step is to
        // re-key or re-image one of them), and a takeover can cut the other's drain-on-stop short: such a box keeps
        // its records, and drains them once it runs alone.
        foreach (var (name, database) in new[] { ("a", boxA), ("b", boxB) })
        {
            if (StoredRecords.AtAgent(database).Pending == 0)
                continue;
            using var alone = StartAgent(directory.Path, $"{name} (alone)", database, hub.BrokerUrl, secret, seed: 1, cameraSeconds: 1);
            await AssertExitsCleanlyAsync(alone);
        }
        var a = StoredRecords.AtAgent(boxA);
        var b = StoredRecords.AtAgent(boxB);
        Assert.True(a.Pending == 0 && b.Pending == 0, $"records left on the boxes: a {a.Pending}, b {b.Pending}\nagent a:\n{Tail(agentA.Stderr)}\nagent b:\n{Tail(agentB.Stderr)}");
        Assert.Equal(3, new[] { sharedEpoch, a.Epoch, b.Epoch }.Distinct().Count());

        // Nothing stored before was overwritten: every (seq, payload) of the shared epoch is still there as it was.
        var storedAfter = Payloads(hub.DatabasePath, sharedEpoch);
        Assert.All(storedBefore, kept => Assert.Equal(kept.Value, storedAfter[kept.Key]));
        // Every seq each box issued is at the hub: in the shared epoch (stored before the clash) or in its own new one.
        var atHub = StoredRecords.AtHub(hub.DatabasePath, DeviceId);
        foreach (var (box, outbox) in new[] { ("a", a), ("b", b) })
        {
            var seqs = atHub.Where(k => k.Epoch == sharedEpoch || k.Epoch == outbox.Epoch).Select(k => k.Seq).ToHashSet();
            var missing = Enumerable.Range(1, (int)outbox.LastSeq).Where(seq => !seqs.Contains(seq)).ToList();
            Assert.True(missing.Count == 0, $"box {box}: {missing.Count} of seqs 1..{outbox.LastSeq} missing at the hub (first {string.Join(", ", missing.Take(10))})");
            Assert.Contains(atHub, k => k.Epoch == outbox.Epoch);
        }
    }

    private static async Task AssertExitsCleanlyAsync(DotnetProcess agent)
    {
        var exit = await agent.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"{agent.Name} exited {exit}:\n{Tail(agent.Stderr)}");
    }

    private static DotnetProcess StartAgent(string directory, string name, string database, string broker, string secret, int seed, int cameraSeconds = 20) =>
        new($"edge-agent {name}", BuiltPrograms.EdgeAgent, directory,
        [
            "--device-id", DeviceId,
            "--db", database,
            "--broker", broker,
            "--Sync:Password=" + secret,
            "--Sync:DrainOnStop=00:01:30",
            "--camera", $"synthetic://highway?seed={seed}&condition=day&duration={cameraSeconds}s",
            "--Agent:StatsInterval=00:00:01",
            "--Metrics:Url=",
        ]);

    private static bool ConditionRaised(string hubDatabase) =>
        Scalar(hubDatabase, "SELECT COUNT(*) FROM clone_conditions WHERE device_id = ? AND cleared_at IS NULL") > 0;

    private static long ConflictingRecords(string hubDatabase) =>
        Scalar(hubDatabase, "SELECT COUNT(*) FROM clone_conflicts WHERE device_id = ?");

    private static long Scalar(string hubDatabase, string sql)
    {
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<long>(sql, DeviceId);
    }

    private static Dictionary<long, string> Payloads(string hubDatabase, long epoch)
    {
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        return db.Query<Row>(
                "SELECT seq AS Seq, payload AS Payload FROM events WHERE device_id = ?1 AND epoch = ?2 UNION ALL " +
                "SELECT seq, payload FROM stats WHERE device_id = ?1 AND epoch = ?2", DeviceId, epoch)
            .ToDictionary(r => r.Seq, r => r.Payload);
    }

    private static string Tail(string? log, int lines = 40) =>
        log is null ? "" : string.Join('\n', log.Split('\n').TakeLast(lines));

    private sealed class Row
    {
        public long Seq { get; set; }
        public string Payload { get; set; } = "";
    }
}
