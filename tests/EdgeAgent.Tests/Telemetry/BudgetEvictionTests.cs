using EdgeMlops.EdgeAgent.Telemetry;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class BudgetEvictionTests : IDisposable
{
    private const int Samples = 20;
    private const int Stats = 100;
    private const long BudgetBytes = 1024 * 1024;

    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public BudgetEvictionTests() => _path = _directory.File("edge-agent.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Over_budget_the_oldest_samples_go_first_then_stats_and_events_last_every_one_counted()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 1));
        for (var i = 0; i < Samples; i += 5)
            store.Append([.. Enumerable.Range(i, 5).Select(n => TestRecords.PendingSample(n, jpegBytes: 24 * 1024))]);
        for (var i = 0; i < Stats; i += 20)
            store.Append([.. Enumerable.Range(i, 20).Select(n => TestRecords.PendingStats(n, labels: 40))]);
        Assert.Equal(0, store.EvictedSamples + store.EvictedStats + store.EvictedEvents);

        var events = 0;
        void AppendEvents()
        {
            store.Append([.. Enumerable.Range(events, 100).Select(n => TestRecords.PendingEvent(n))]);
            events += 100;
            Assert.True(events < 20_000, "the budget never forced evictions of every kind");
        }

        while (store.EvictedSamples == 0)
            AppendEvents();
        Assert.Equal((0, 0), (store.EvictedStats, store.EvictedEvents));
        using (var file = StoreFixture.Inspect(_path))
        {
            // Samples hold seqs 1..20; the ones left must be the newest.
            var remaining = file.Seqs("review_samples");
            Assert.Equal(Samples - store.EvictedSamples, remaining.Count);
            Assert.Equal(Enumerable.Range(Samples - remaining.Count + 1, remaining.Count).Select(n => (long)n), remaining);
            AssertNoDanglingOutboxEntries(file);
        }

        while (store.EvictedStats == 0)
            AppendEvents();
        Assert.Equal(Samples, store.EvictedSamples);
        Assert.Equal(0, store.EvictedEvents);

        while (store.EvictedEvents == 0)
            AppendEvents();
        Assert.Equal(Stats, store.EvictedStats);

        using (var file = StoreFixture.Inspect(_path))
        {
            Assert.Equal(0, file.Count("review_samples"));
            Assert.Equal(0, file.Count("camera_stats"));
            Assert.Equal(events - store.EvictedEvents, file.Count("vehicle_events"));
            var oldestEvent = file.Seqs("vehicle_events")[0];
            Assert.Equal(Samples + Stats + store.EvictedEvents + 1, oldestEvent);
            AssertNoDanglingOutboxEntries(file);
            Assert.Equal(file.Count("outbox"), store.PendingCount);
            Assert.Equal(oldestEvent, store.OldestPendingSeq);
            Assert.True(UsedBytes(file) <= BudgetBytes, $"{UsedBytes(file)} bytes in use after eviction, budget {BudgetBytes}");
        }
    }

    [Fact]
    public void Eviction_counters_survive_a_restart()
    {
        long samples, stats, events;
        using (var store = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 1)))
        {
            for (var i = 0; i < 60; i += 5)
                store.Append([.. Enumerable.Range(i, 5).Select(n => TestRecords.PendingSample(n, jpegBytes: 32 * 1024))]);
            (samples, stats, events) = (store.EvictedSamples, store.EvictedStats, store.EvictedEvents);
            Assert.True(samples > 0);
        }

        using var reopened = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 1));
        reopened.EnsureOpen();

        Assert.Equal((samples, stats, events), (reopened.EvictedSamples, reopened.EvictedStats, reopened.EvictedEvents));
        Assert.Equal(60 - samples, reopened.PendingCount);
    }

    [Fact]
    public void Within_budget_nothing_is_evicted()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 4));

        store.Append([.. Enumerable.Range(0, 40).Select(n => TestRecords.PendingSample(n, jpegBytes: 24 * 1024))]);

        Assert.Equal(0, store.EvictedSamples);
        Assert.Equal(40, store.PendingCount);
    }

    private static void AssertNoDanglingOutboxEntries(SQLiteConnection file)
    {
        var typed = file.Seqs("vehicle_events").Concat(file.Seqs("camera_stats")).Concat(file.Seqs("review_samples")).Order();
        Assert.Equal(typed, file.Seqs("outbox"));
    }

    private static long UsedBytes(SQLiteConnection file) =>
        (file.ExecuteScalar<long>("PRAGMA page_count") - file.ExecuteScalar<long>("PRAGMA freelist_count"))
        * file.ExecuteScalar<long>("PRAGMA page_size");
}
