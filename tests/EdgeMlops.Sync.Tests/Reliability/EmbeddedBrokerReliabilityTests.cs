using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Reliability;

/// <summary>
/// Agent and hub as real processes over the hub's embedded broker, each disrupted mid-drain. A device starts with a
/// backlog (as after hours offline) and a live camera adding to it; at the end every seq it issued is stored at the hub
/// exactly once.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class EmbeddedBrokerReliabilityTests
{
    private const int BacklogRecords = 60_000;

    [Fact]
    public async Task Broker_stopped_under_load_then_back_every_record_reaches_the_hub_exactly_once()
    {
        using var run = await SyncRun.WithEmbeddedBrokerAsync(BacklogRecords);
        using var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        await run.Hub.StopAsync(); // the embedded broker goes with the hub
        var storedWhileDown = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedWhileDown < BacklogRecords, $"the backlog was drained ({storedWhileDown}) before the broker stopped: the test proves nothing");
        await Task.Delay(TimeSpan.FromSeconds(3)); // the agent keeps classifying and buffering
        await run.Hub.StartAsync();

        await SyncRun.FinishAsync(agent);
        run.AssertEveryRecordStoredOnce();
    }

    [Fact]
    public async Task Agent_killed_mid_drain_and_restarted_loses_nothing_and_doubles_nothing()
    {
        using var run = await SyncRun.WithEmbeddedBrokerAsync(BacklogRecords);
        var first = run.StartAgent(cameraSeconds: 30);
        await run.WaitUntilHubHasAsync(5_000);

        first.KillHard();
        var storedAtKill = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedAtKill < BacklogRecords, $"the backlog was drained ({storedAtKill}) before the kill: the test proves nothing");

        using var second = run.StartAgent(cameraSeconds: 5);
        await SyncRun.FinishAsync(second);
        run.AssertEveryRecordStoredOnce();
    }

    [Fact]
    public async Task Hub_killed_mid_ingest_and_restarted_loses_nothing_and_doubles_nothing()
    {
        using var run = await SyncRun.WithEmbeddedBrokerAsync(BacklogRecords);
        using var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        run.Hub.Kill();
        var storedAtKill = StoredRecords.CountAtHub(run.Hub.DatabasePath, SyncRun.DeviceId);
        Assert.True(storedAtKill < BacklogRecords, $"the backlog was drained ({storedAtKill}) before the kill: the test proves nothing");
        await run.Hub.StartAsync();

        await SyncRun.FinishAsync(agent);
        run.AssertEveryRecordStoredOnce();
    }
}

/// <summary>Tests that run agents, hubs and brokers as processes: one at a time, the machine has two cores.</summary>
[CollectionDefinition(nameof(ProcessTests), DisableParallelization = true)]
public sealed class ProcessTests;
