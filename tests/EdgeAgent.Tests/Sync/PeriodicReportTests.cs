using EdgeMlops.Contracts;
using MQTTnet.Protocol;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class PeriodicReportTests : IAsyncLifetime
{
    private static readonly string ReportedTopic = Topics.Reported(SyncRig.DeviceId);
    private static readonly string TelemetryTopic = Topics.Telemetry(SyncRig.DeviceId);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Reports_go_out_on_schedule_while_the_drain_waits_to_retry_a_refused_batch()
    {
        // The broker refuses every batch for now; the drain then waits half a minute before it tries again.
        _broker.Verdict = message => Task.FromResult<MqttPubAckReasonCode?>(message.Topic == TelemetryTopic ? MqttPubAckReasonCode.QuotaExceeded : null);
        await using var rig = new SyncRig(_broker.Address, o =>
        {
            o.ReportInterval = TimeSpan.FromSeconds(1);
            o.Reconnect = new() { InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30), Jitter = 0 };
        });
        rig.AppendEvents(10);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => _broker.Received.Any(m => m.Topic == TelemetryTopic), "the first batch was refused");
        var reportsBefore = _broker.Received.Count(m => m.Topic == ReportedTopic);

        await Eventually.HoldsAsync(() => _broker.Received.Count(m => m.Topic == ReportedTopic) >= reportsBefore + 2, "two more reports on schedule");
        Assert.Single(_broker.Received, m => m.Topic == TelemetryTopic);
        Assert.Equal(10, rig.Store.PendingCount);
        var latest = _broker.Received.Last(m => m.Topic == ReportedTopic).Reported();
        Assert.Equal(10, latest.Outbox.Pending);
    }

    [Fact]
    public async Task Reports_stop_with_the_session_and_the_goodbye_sends_the_last_one()
    {
        await using var rig = new SyncRig(_broker.Address, o => o.ReportInterval = TimeSpan.FromSeconds(1));
        await rig.StartAsync();
        await Eventually.HoldsAsync(() => _broker.Received.Count(m => m.Topic == ReportedTopic) >= 2, "a periodic report besides the one at connect");

        await rig.StopAsync();
        var afterStop = _broker.Received.Count(m => m.Topic == ReportedTopic);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(afterStop, _broker.Received.Count(m => m.Topic == ReportedTopic));
        Assert.False(Wire.Status((await _broker.RetainedAsync(Topics.Status(SyncRig.DeviceId)))!).Online);
    }
}
