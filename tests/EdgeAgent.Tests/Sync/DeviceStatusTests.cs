using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Tests.Telemetry;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class DeviceStatusTests : IAsyncLifetime
{
    private static readonly string StatusTopic = Topics.Status(SyncRig.DeviceId);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Online_is_retained_after_connect_and_the_last_will_marks_the_device_offline_when_its_connection_drops()
    {
        await using var observer = await _broker.ObserveAsync(StatusTopic);
        await using var rig = new SyncRig(_broker.Address, o => o.Reconnect = new() { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1) });

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.Connected, "the sync is connected");
        var retained = Wire.Status((await _broker.RetainedAsync(StatusTopic))!);
        Assert.True(retained.Online);
        Assert.Equal(SyncRig.DeviceId, retained.DeviceId);
        Assert.False(string.IsNullOrEmpty(retained.AgentVersion));

        await _broker.DropClientAsync(SyncRig.DeviceId);

        // The device says offline only when it stops; while it runs, an offline can only be the broker sending its will.
        await Eventually.HoldsAsync(() => observer.Messages.Count(m => m.Status().Online) >= 2, "the device is online again");
        Assert.Equal([true, false, true], observer.Messages.Select(m => m.Status().Online));
        Assert.Equal(1, rig.Progress.Reconnects);
        Assert.True(Wire.Status((await _broker.RetainedAsync(StatusTopic))!).Online);
    }

    [Fact]
    public async Task A_clean_stop_publishes_offline_and_a_final_report_then_disconnects_without_the_will()
    {
        await using var observer = await _broker.ObserveAsync($"{Topics.Root}/devices/{SyncRig.DeviceId}/+");
        await using var rig = new SyncRig(_broker.Address);
        rig.AppendEvents(10);
        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.Connected && rig.Store.PendingCount == 0, "the outbox is drained");

        await rig.StopAsync();

        var published = _broker.Received.Where(m => m.Topic == StatusTopic || m.Topic == Topics.Reported(SyncRig.DeviceId)).ToList();
        var offline = published.FindIndex(m => m.Topic == StatusTopic && !m.Status().Online);
        Assert.True(offline >= 0, "the device published offline itself");
        Assert.True(published[offline].Retain);
        var finalReport = published.Take(offline).Last(m => m.Topic == Topics.Reported(SyncRig.DeviceId)).Reported();
        Assert.Equal(SyncRig.DeviceId, finalReport.DeviceId);
        Assert.Equal(0, finalReport.Outbox.Pending);
        Assert.Null(finalReport.Outbox.OldestPendingSeq);
        Assert.Equal(10, finalReport.Outbox.LastIssuedSeq);
        Assert.Equal(rig.Store.Epoch, finalReport.Outbox.Epoch);
        Assert.Equal("vehicle-classifier", finalReport.ModelName);
        Assert.False(Wire.Status((await _broker.RetainedAsync(StatusTopic))!).Online);
        await Eventually.HoldsAsync(() => _broker.ConnectedClientsAsync().Result.All(id => id != SyncRig.DeviceId), "the device disconnected");
        Assert.False(rig.Progress.Connected);
        // Exactly one offline on the status topic: the device's own; a will would be a second one.
        await Eventually.HoldsAsync(() => observer.Messages.Any(m => m.Topic == StatusTopic && !m.Status().Online), "the observer saw offline");
        Assert.Single(observer.Messages, m => m.Topic == StatusTopic && !m.Status().Online);
    }
}
