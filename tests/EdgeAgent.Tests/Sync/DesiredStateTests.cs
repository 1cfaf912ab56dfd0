using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class DesiredStateTests : IAsyncLifetime
{
    private static readonly string DesiredTopic = Topics.Desired(SyncRig.DeviceId);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_desired_state_the_hub_retained_reaches_the_store_and_its_revision_is_reported()
    {
        await _broker.PublishRetainedAsync(DesiredTopic, Desired(SyncRig.DeviceId, revision: 7));
        await using var rig = new SyncRig(_broker.Address);

        await rig.StartAsync();
        var state = await rig.Desired.WaitForChangeAsync(-1, Eventually.Soon());

        Assert.Equal(7, state.Revision);
        Assert.Equal("vehicle-classifier@2.0.0", state.Properties["model"].GetProperty("version").GetString());
        Assert.Same(state, rig.Desired.Current);

        // A newer revision published while connected wakes whoever waits for a change.
        var next = rig.Desired.WaitForChangeAsync(7, Eventually.Soon());
        await _broker.PublishRetainedAsync(DesiredTopic, Desired(SyncRig.DeviceId, revision: 8));
        Assert.Equal(8, (await next).Revision);

        await rig.StopAsync();
        var finalReport = _broker.Received.On(Topics.Reported(SyncRig.DeviceId)).Last().Reported();
        Assert.Equal(8, finalReport.DesiredRevision);
    }

    [Fact]
    public async Task A_desired_state_naming_another_device_or_an_older_revision_or_malformed_is_refused_with_a_reason()
    {
        await using var rig = new SyncRig(_broker.Address);
        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.Connected, "the sync is connected");
        await _broker.PublishRetainedAsync(DesiredTopic, Desired(SyncRig.DeviceId, revision: 5));
        await rig.Desired.WaitForChangeAsync(-1, Eventually.Soon());

        await _broker.PublishRetainedAsync(DesiredTopic, Desired("box-99", revision: 6));
        await _broker.PublishRetainedAsync(DesiredTopic, Desired(SyncRig.DeviceId, revision: 4));
        await _broker.PublishRetainedAsync(DesiredTopic, "{\"v\":1,\"deviceId\":"u8.ToArray());
        await Eventually.HoldsAsync(() => rig.Progress.DesiredRejected == 3, "three desired states were refused");

        Assert.Equal(5, rig.Desired.Current!.Revision);
        var warnings = rig.Log.Collector.GetSnapshot().Where(e => e.Level == LogLevel.Warning && e.Message.Contains("Desired state")).Select(e => e.Message).ToList();
        Assert.Contains(warnings, w => w.Contains("WrongDevice") && w.Contains("box-99"));
        Assert.Contains(warnings, w => w.Contains("revision 4 is older than revision 5"));
        Assert.Contains(warnings, w => w.Contains("Malformed"));
    }

    [Fact]
    public async Task Waiting_for_a_change_returns_at_once_when_a_newer_revision_is_held_and_stops_when_cancelled()
    {
        var store = new DesiredStateStore();
        using var cancel = new CancellationTokenSource();
        var waiting = store.WaitForChangeAsync(-1, cancel.Token);
        Assert.False(waiting.IsCompleted);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        Assert.True(Accept(store, 3));
        Assert.Equal(3, (await store.WaitForChangeAsync(2, Eventually.Soon())).Revision);
        Assert.False(Accept(store, 3));
        Assert.False(Accept(store, 1));
        Assert.Equal(3, store.Current!.Revision);
    }

    private static bool Accept(DesiredStateStore store, long revision) =>
        store.TryAccept(new DesiredState(SyncRig.DeviceId, revision, DateTimeOffset.UtcNow, new Dictionary<string, JsonElement>()), out _);

    private static byte[] Desired(string deviceId, long revision) => JsonSerializer.SerializeToUtf8Bytes(
        new DesiredState(deviceId, revision, DateTimeOffset.UtcNow, new Dictionary<string, JsonElement>
        {
            ["model"] = JsonDocument.Parse("""{"version":"vehicle-classifier@2.0.0"}""").RootElement.Clone(),
        }),
        ContractsJsonContext.Default.DesiredState);
}
