using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class OutboxTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public OutboxTests() => _path = _directory.File("edge-agent.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Sequence_numbers_are_monotonic_and_gap_free_across_batches_and_kinds()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_path));

        store.Append([TestRecords.PendingEvent(1), TestRecords.PendingStats(1)]);
        store.Append([TestRecords.PendingSample(1), TestRecords.PendingEvent(2), TestRecords.PendingEvent(3)]);
        store.Append([TestRecords.PendingStats(2)]);

        var entries = store.ReadOutbox(afterSeq: 0, max: 100);
        Assert.Equal([1L, 2, 3, 4, 5, 6], entries.Select(e => e.Seq));
        Assert.Equal([OutboxKinds.Event, OutboxKinds.Stats, OutboxKinds.Sample, OutboxKinds.Event, OutboxKinds.Event, OutboxKinds.Stats],
            entries.Select(e => e.Kind));
        Assert.Equal(6, store.LastIssuedSeq);
        Assert.Equal(6, store.PendingCount);
        Assert.Equal(1, store.OldestPendingSeq);
        Assert.Equal(3, store.BatchesCommitted);
        Assert.Equal(6, store.RecordsWritten);
    }

    [Fact]
    public void Outbox_entries_carry_the_contract_payload_and_the_jpeg_of_samples()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        using var store = StoreFixture.Store(StoreFixture.Options(_path), clock);
        var jpeg = TestRecords.Jpeg(7, 3000);
        store.Append(
        [
            new PendingVehicleEvent(TestRecords.Event(11), clock.GetUtcNow()),
            new PendingReviewSample(TestRecords.SampleInfo(7), jpeg, clock.GetUtcNow().AddSeconds(1)),
        ]);

        var entries = store.ReadOutbox(0, 10);

        Assert.True(ContractReader.TryReadVehicleEvent(System.Text.Encoding.UTF8.GetBytes(entries[0].Payload), out var vehicleEvent, out var rejection),
            rejection?.ToString());
        Assert.Equal(11, vehicleEvent.TrackId);
        Assert.Null(entries[0].Jpeg);
        Assert.Equal(clock.GetUtcNow(), entries[0].CreatedAt);
        Assert.True(ContractReader.TryReadReviewSampleInfo(System.Text.Encoding.UTF8.GetBytes(entries[1].Payload), out var info, out rejection),
            rejection?.ToString());
        Assert.Equal("sample-7", info.SampleId);
        Assert.Equal(jpeg, entries[1].Jpeg);
        Assert.Equal(clock.GetUtcNow().AddSeconds(1), entries[1].CreatedAt);
    }

    [Fact]
    public void An_acknowledgement_for_another_incarnation_of_the_file_removes_nothing()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_path));
        store.Append([.. Enumerable.Range(1, 5).Select(i => TestRecords.PendingEvent(i))]);

        Assert.Null(store.Acknowledge(store.Epoch + 1, 5));
        Assert.Equal(5, store.PendingCount);
        Assert.Equal(3, store.Acknowledge(store.Epoch, 3));
        Assert.Equal([4L, 5], store.ReadOutbox(0, 10).Select(e => e.Seq));
    }

    [Fact]
    public void Reading_pages_in_seq_order_and_acknowledging_deletes_outbox_and_typed_rows()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_path));
        store.Append([.. Enumerable.Range(1, 10).Select(i => i % 3 == 0 ? TestRecords.PendingSample(i) : TestRecords.PendingEvent(i))]);

        Assert.Equal([1L, 2, 3, 4], store.ReadOutbox(0, 4).Select(e => e.Seq));
        Assert.Equal([5L, 6, 7, 8], store.ReadOutbox(4, 4).Select(e => e.Seq));
        Assert.Equal([9L, 10], store.ReadOutbox(8, 4).Select(e => e.Seq));
        Assert.Empty(store.ReadOutbox(10, 4));

        Assert.Equal(6, store.Acknowledge(store.Epoch, 6));

        Assert.Equal(4, store.PendingCount);
        Assert.Equal(7, store.OldestPendingSeq);
        Assert.Equal([7L, 8, 9, 10], store.ReadOutbox(0, 100).Select(e => e.Seq));
        using (var file = StoreFixture.Inspect(_path))
        {
            Assert.Equal([7L, 8, 10], file.Seqs("vehicle_events"));
            Assert.Equal([9L], file.Seqs("review_samples"));
        }

        Assert.Equal(0, store.Acknowledge(store.Epoch, 6));
        Assert.Equal(4, store.Acknowledge(store.Epoch, 10));
        Assert.Equal(0, store.PendingCount);
        Assert.Null(store.OldestPendingSeq);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Acknowledge(store.Epoch, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadOutbox(0, 0));
    }

    [Fact]
    public void A_restart_resumes_the_sequence_without_reuse_even_after_everything_was_acknowledged()
    {
        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            store.Append([.. Enumerable.Range(1, 5).Select(i => TestRecords.PendingEvent(i))]);
            store.Acknowledge(store.Epoch, 5);
            Assert.Equal(0, store.PendingCount);
        }

        using (var reopened = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            reopened.EnsureOpen();
            Assert.Equal(5, reopened.LastIssuedSeq);
            Assert.Equal(0, reopened.PendingCount);

            reopened.Append([TestRecords.PendingEvent(6), TestRecords.PendingStats(1)]);

            Assert.Equal([6L, 7], reopened.ReadOutbox(0, 10).Select(e => e.Seq));
        }

        using var again = StoreFixture.Store(StoreFixture.Options(_path));
        again.EnsureOpen();
        Assert.Equal(7, again.LastIssuedSeq);
        Assert.Equal(2, again.PendingCount);
        Assert.Equal(6, again.OldestPendingSeq);
    }
}
