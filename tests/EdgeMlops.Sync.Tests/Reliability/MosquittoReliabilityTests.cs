using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Reliability;

/// <summary>
/// The same disruptions with Debian's mosquitto between agent and hub: the hub holds a persistent session there, so
/// mosquitto queues what arrives while the hub is away and redelivers what the hub had not acknowledged.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class MosquittoReliabilityTests
{
    private const int BacklogRecords = 60_000;

    [Fact]
    public async Task Mosquitto_stopped_under_load_then_back_every_record_reaches_the_hub_exactly_once()
    {
        using var run = await SyncRun.WithMosquittoAsync(BacklogRecords);
        using var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        await run.Mosquitto!.StopAsync();
        var storedWhileDown = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedWhileDown < BacklogRecords, $"the backlog was drained ({storedWhileDown}) before the broker stopped: the test proves nothing");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await run.Mosquitto.StartAsync();

        await SyncRun.FinishAsync(agent);
        await run.WaitUntilHubHasAsync(StoredRecords.AtAgent(run.AgentDatabase).LastSeq);
        run.AssertEveryRecordStoredOnce();
    }

    [Fact]
    public async Task Agent_killed_mid_drain_over_mosquitto_loses_nothing_and_doubles_nothing()
    {
        using var run = await SyncRun.WithMosquittoAsync(BacklogRecords);
        var first = run.StartAgent(cameraSeconds: 30);
        await run.WaitUntilHubHasAsync(5_000);

        first.KillHard();
        var storedAtKill = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedAtKill < BacklogRecords, $"the backlog was drained ({storedAtKill}) before the kill: the test proves nothing");

        using var second = run.StartAgent(cameraSeconds: 5);
        await SyncRun.FinishAsync(second);
        await run.WaitUntilHubHasAsync(StoredRecords.AtAgent(run.AgentDatabase).LastSeq);
        run.AssertEveryRecordStoredOnce();
    }

    [Fact]
    public async Task Hub_killed_mid_ingest_over_mosquitto_loses_nothing_and_doubles_nothing()
    {
        using var run = await SyncRun.WithMosquittoAsync(BacklogRecords);
        using var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        run.Hub.Kill();
        var storedAtKill = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedAtKill < BacklogRecords, $"the backlog was drained ({storedAtKill}) before the kill: the test proves nothing");
        await Task.Delay(TimeSpan.FromSeconds(2)); // mosquitto queues for the hub's session meanwhile
        await run.Hub.StartAsync();

        await SyncRun.FinishAsync(agent);
        await run.WaitUntilHubHasAsync(StoredRecords.AtAgent(run.AgentDatabase).LastSeq);
        run.AssertEveryRecordStoredOnce();
    }
}
