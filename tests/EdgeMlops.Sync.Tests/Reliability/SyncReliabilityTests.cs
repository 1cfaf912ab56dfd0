using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Reliability;

/// <summary>
/// Agent, hub and broker as real processes, over the hub's embedded broker and over Debian's mosquitto, each
/// disrupted mid-drain. The device starts with a backlog (as after hours offline) and a live camera adding to it; at
/// the end every seq it issued is stored at the hub exactly once, counted seq by seq.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class SyncReliabilityTests
{
    private const int BacklogRecords = 60_000;

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task Broker_stopped_under_load_then_back_every_record_reaches_the_hub_exactly_once(BrokerKind broker)
    {
        using var run = await SyncRun.StartAsync(broker, BacklogRecords);
        var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        await run.StopBrokerAsync(); // the embedded broker goes with the hub; mosquitto saves its queues on SIGTERM
        run.AssertStillDraining("the broker stopped");
        await Task.Delay(TimeSpan.FromSeconds(3)); // the agent keeps classifying and buffering
        await run.StartBrokerAsync();

        await run.FinishAsync(agent);
        run.AssertEveryRecordStoredOnce();
    }

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task Agent_killed_mid_drain_and_restarted_loses_nothing_and_doubles_nothing(BrokerKind broker)
    {
        using var run = await SyncRun.StartAsync(broker, BacklogRecords);
        var first = run.StartAgent(cameraSeconds: 30);
        await run.WaitUntilHubHasAsync(5_000);

        first.KillHard();
        run.AssertStillDraining("the agent was killed");

        var second = run.StartAgent(cameraSeconds: 5);
        await run.FinishAsync(second);
        run.AssertEveryRecordStoredOnce();
    }

    [Theory]
    [InlineData(BrokerKind.Embedded)]
    [InlineData(BrokerKind.Mosquitto)]
    public async Task Hub_killed_mid_ingest_and_restarted_loses_nothing_and_doubles_nothing(BrokerKind broker)
    {
        using var run = await SyncRun.StartAsync(broker, BacklogRecords);
        var agent = run.StartAgent(cameraSeconds: 10);
        await run.WaitUntilHubHasAsync(5_000);

        run.Hub.Kill();
        run.AssertStillDraining("the hub was killed");
        await Task.Delay(TimeSpan.FromSeconds(2)); // the agent (embedded broker) or mosquitto holds on meanwhile
        await run.Hub.StartAsync();

        await run.FinishAsync(agent);
        run.AssertEveryRecordStoredOnce();
    }
}

/// <summary>Tests that run agents, hubs and brokers as processes: one at a time, the machine has two cores.</summary>
[CollectionDefinition(nameof(ProcessTests), DisableParallelization = true)]
public sealed class ProcessTests;
