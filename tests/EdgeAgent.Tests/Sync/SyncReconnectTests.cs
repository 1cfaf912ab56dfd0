using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class SyncReconnectTests
{
    private static readonly string TelemetryTopic = Topics.Telemetry(SyncRig.DeviceId);

    [Fact]
    public async Task Broker_stopped_mid_drain_and_restarted_every_seq_arrives_at_least_once_and_none_is_missing()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var rig = new SyncRig(broker.Address, o => o.BatchRecords = 50);
        var sent = rig.AppendEvents(2000).ToList();
        var holdAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Slow the broker down after a few batches so that it is surely stopped mid-drain.
        broker.Verdict = async message =>
        {
            if (message.Topic == TelemetryTopic && message.Batch().FirstSeq > 500)
            {
                holdAfter.TrySetResult();
                await release.Task;
            }
            return null;
        };

        await rig.StartAsync();
        await holdAfter.Task.WaitAsync(Eventually.Soon());
        var stopping = broker.StopAsync();
        release.SetResult();
        await stopping.WaitAsync(Eventually.Soon());
        await Eventually.HoldsAsync(() => !rig.Progress.Connected, "the sync noticed the broker is gone");
        Assert.True(rig.Store.PendingCount > 0, "records are still pending while the broker is down");
        // Live data keeps coming while the broker is down.
        sent.AddRange(rig.AppendEvents(300, firstTrackId: 5000));

        broker.Verdict = null;
        await broker.RestartAsync();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty after the broker came back");

        var arrived = broker.Received.On(TelemetryTopic).Seqs();
        Assert.Empty(sent.Except(arrived));
        Assert.Equal(sent, arrived.Distinct().Order());
        Assert.True(rig.Progress.Reconnects >= 1, "the sync reconnected");
        Assert.Contains(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning && e.Message.Contains("lost") && e.Message.Contains(broker.Address.Replace("mqtt://", "")));
    }

    [Fact]
    public async Task A_broker_that_is_not_there_is_reported_once_as_a_warning_and_retried_quietly_until_it_is()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.StopAsync();
        await using var rig = new SyncRig(broker.Address);
        var sent = rig.AppendEvents(10);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.ConnectFailures >= 3, "three connection attempts failed");

        var warnings = rig.Log.Collector.GetSnapshot().Where(e => e.Level >= LogLevel.Warning && e.Message.Contains("Cannot connect")).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains($"127.0.0.1:{broker.Port}", warning.Message);
        Assert.Equal(sent.Count, rig.Store.PendingCount);

        await broker.RestartAsync();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty once the broker is up");
        Assert.Contains(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Information && e.Message.Contains("failed attempts"));
    }

    [Fact]
    public async Task Credentials_the_broker_refuses_are_an_error_naming_the_user_and_the_keys_and_nothing_leaves_the_outbox()
    {
        await using var broker = await TestBroker.StartAsync();
        broker.RequiredPassword = "right";
        await using var rig = new SyncRig(broker.Address, o => o.Password = "wrong");
        rig.AppendEvents(10);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.ConnectFailures >= 2, "two connection attempts failed");

        var error = Assert.Single(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Error);
        Assert.Contains("BadUserNameOrPassword", error.Message);
        Assert.Contains("user 'box-07'", error.Message);
        Assert.Contains("Sync:Username", error.Message);
        Assert.Contains("Sync:Password", error.Message);
        Assert.Equal(10, rig.Store.PendingCount);
        Assert.Empty(broker.Received);
    }
}
