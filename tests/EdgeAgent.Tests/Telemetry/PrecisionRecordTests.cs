using System.Text;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Sync;
using Microsoft.Extensions.Logging.Testing;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>Precision reports as their own outbox kind: stored in their table, sent in telemetry batches, evicted in their turn.</summary>
public sealed class PrecisionRecordTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public PrecisionRecordTests() => _path = _directory.File("edge-agent.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_precision_report_lands_in_its_table_and_leaves_in_a_telemetry_batch_the_hub_can_read()
    {
        var options = StoreFixture.Options(_path);
        using var store = StoreFixture.Store(options);
        var queue = StoreFixture.Queue(options);
        var writer = StoreFixture.Writer(queue, store, options);
        await writer.StartAsync(CancellationToken.None);
        Assert.True(await queue.WriteAsync(TestRecords.Event(1)));
        Assert.True(await queue.WriteAsync(TestRecords.Precision(0)));
        Assert.True(queue.TryWrite(TestRecords.Precision(1) with { Source = PrecisionSources.Canary, CameraId = null, Drift = null }));
        await writer.StopAsync(CancellationToken.None);

        using (var file = StoreFixture.Inspect(_path))
        {
            Assert.Equal([2L, 3], file.Seqs("precision_reports"));
            Assert.Equal([PrecisionSources.Estimated, PrecisionSources.Canary], file.QueryScalars<string>("SELECT source FROM precision_reports ORDER BY seq"));
            Assert.Equal(1, file.ExecuteScalar<long>("SELECT COUNT(*) FROM precision_reports WHERE camera_id IS NULL"));
        }
        var entries = store.ReadOutbox(0, 10);
        Assert.Equal([OutboxKinds.Event, OutboxKinds.Precision, OutboxKinds.Precision], entries.Select(e => e.Kind));

        var message = Assert.Single(new OutboxPacker(SyncRig.DeviceId, batchRecords: 100).Pack(entries, epoch: store.Epoch));
        Assert.False(message.IsSample);
        Assert.True(ContractReader.TryReadTelemetryBatch(message.Payload, out var batch, out var rejection), rejection?.ToString());
        Assert.True(ContractReader.TryReadPayload(batch.Records[1], out var payload, out rejection), rejection?.ToString());
        var report = Assert.IsType<PrecisionReport>(payload);
        Assert.Equal(TestRecords.Precision(0).Classes["car"], report.Classes["car"]);
        Assert.Equal(0.12, report.Drift!.ConfidencePsi);
        Assert.True(ContractReader.TryReadPayload(batch.Records[2], out payload, out rejection), rejection?.ToString());
        Assert.Null(Assert.IsType<PrecisionReport>(payload).CameraId); // a canary report, of no camera

        Assert.Equal(3, store.Acknowledge(store.Epoch, 3));
        using var after = StoreFixture.Inspect(_path);
        Assert.Equal(0, after.Count("precision_reports"));
    }

    [Fact]
    public async Task A_report_that_breaks_its_contract_is_refused_before_it_is_stored()
    {
        var options = StoreFixture.Options(_path);
        var logger = new FakeLogger<TelemetryQueue>();
        var queue = StoreFixture.Queue(options, logger: logger);
        var broken = TestRecords.Precision(0) with { Classes = new Dictionary<string, ClassPrecision> { ["car"] = new(2, 3) } };

        Assert.False(await queue.WriteAsync(broken));
        Assert.False(queue.TryWrite(TestRecords.Precision(0) with { Source = PrecisionSources.Review }));

        Assert.Equal(2, queue.RejectedRecords);
        Assert.Equal(0, queue.Depth);
        Assert.Contains("classes[car].correct is over predicted", logger.Collector.GetSnapshot()[0].Message);
    }

    [Fact]
    public void Over_budget_precision_reports_go_after_stats_and_before_events_and_their_count_survives_a_restart()
    {
        long evicted;
        using (var store = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 1)))
        {
            store.Append([.. Enumerable.Range(0, 20).Select(n => TestRecords.PendingStats(n, labels: 40))]);
            store.Append([.. Enumerable.Range(0, 50).Select(TestRecords.PendingPrecision)]);
            var events = 0;
            while (store.EvictedPrecision == 0)
            {
                store.Append([.. Enumerable.Range(events, 100).Select(n => TestRecords.PendingEvent(n))]);
                events += 100;
                Assert.True(events < 20_000, "the budget never reached the precision reports");
                Assert.True(store.EvictedStats > 0 || store.EvictedPrecision == 0, "precision reports went before stats");
            }
            Assert.Equal(20, store.EvictedStats);
            Assert.Equal(0, store.EvictedEvents);
            using (var file = StoreFixture.Inspect(_path))
            {
                var left = file.Seqs("precision_reports");
                Assert.Equal(50 - store.EvictedPrecision, left.Count);
                Assert.Equal(0, file.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'precision' AND seq NOT IN (SELECT seq FROM precision_reports)"));
            }
            evicted = store.EvictedPrecision;
            Assert.Equal(store.EvictedSamples + store.EvictedStats + store.EvictedPrecision + store.EvictedEvents, store.EvictedRecords);
        }
        using var reopened = StoreFixture.Store(StoreFixture.Options(_path, o => o.BudgetMegabytes = 1));
        reopened.EnsureOpen();
        Assert.Equal(evicted, reopened.EvictedPrecision);
    }

    [Fact]
    public void A_file_of_the_first_schema_step_gets_the_precision_table_and_keeps_its_records()
    {
        using (var first = new SQLiteConnection(_path))
        {
            StoreSchema.Migrations.UpTo(1).Apply(first, _path);
        }
        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            store.Append([TestRecords.PendingEvent(1)]);
        }
        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            store.Append([TestRecords.PendingPrecision(1)]);
            Assert.Equal([OutboxKinds.Event, OutboxKinds.Precision], store.ReadOutbox(0, 10).Select(e => e.Kind));
        }
        using var file = StoreFixture.Inspect(_path);
        Assert.Equal(StoreSchema.Migrations.Latest, file.ExecuteScalar<int>("PRAGMA user_version"));
    }
}
