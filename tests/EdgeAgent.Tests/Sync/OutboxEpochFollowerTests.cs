using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

/// <summary>The agent's side of the way out of a cloned-device condition: the hub's "outbox" instruction starts a new epoch once.</summary>
public sealed class OutboxEpochFollowerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_instruction_for_the_current_epoch_starts_a_new_one_once_and_a_redelivery_changes_nothing()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_directory.File("edge-agent.db")));
        store.Append([TestRecords.PendingEvent(1), TestRecords.PendingEvent(2)]);
        var progress = new SyncProgress(store, TimeProvider.System);
        var log = new FakeLogger<OutboxEpochFollower>();
        var follower = new OutboxEpochFollower(new DesiredStateStore(), store, progress, log);
        var cloned = store.Epoch;

        follower.Follow(State(1, new DesiredOutbox(cloned).ToProperty()));
        var next = store.Epoch;
        follower.Follow(State(2, new DesiredOutbox(cloned).ToProperty()));

        Assert.NotEqual(cloned, next);
        Assert.Equal(next, store.Epoch);
        Assert.Equal(2, store.PendingCount);
        Assert.Equal(1, progress.EpochsStarted);
        var warning = Assert.Single(log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning);
        Assert.Contains($"leave outbox epoch {cloned}", warning.Message);
    }

    [Fact]
    public void A_malformed_instruction_is_logged_and_changes_nothing()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_directory.File("edge-agent.db")));
        store.EnsureOpen();
        var epoch = store.Epoch;
        var log = new FakeLogger<OutboxEpochFollower>();
        var follower = new OutboxEpochFollower(new DesiredStateStore(), store, new SyncProgress(store, TimeProvider.System), log);

        follower.Follow(State(1, JsonDocument.Parse("""{"newEpochAfter": "soon"}""").RootElement.Clone()));
        follower.Follow(State(2, null));

        Assert.Equal(epoch, store.Epoch);
        var warning = Assert.Single(log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning);
        Assert.Contains("newEpochAfter", warning.Message);
    }

    private static DesiredState State(long revision, JsonElement? outbox) => new("box-1", revision, DateTimeOffset.UnixEpoch,
        outbox is { } value ? new Dictionary<string, JsonElement> { [DesiredOutbox.PropertyName] = value } : new Dictionary<string, JsonElement>());
}
