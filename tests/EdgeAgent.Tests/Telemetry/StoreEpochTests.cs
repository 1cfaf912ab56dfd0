namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class StoreEpochTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_file_keeps_its_epoch_across_reopening()
    {
        var options = StoreFixture.Options(_directory.File("edge-agent.db"));
        long epoch;
        using (var store = StoreFixture.Store(options))
        {
            store.Append([TestRecords.PendingEvent(1)]);
            epoch = store.Epoch;
        }

        using var reopened = StoreFixture.Store(options);
        reopened.EnsureOpen();

        Assert.True(epoch > 0, $"epoch {epoch} must be positive");
        Assert.Equal(epoch, reopened.Epoch);
        using var file = StoreFixture.Inspect(options.Path);
        Assert.Equal(epoch, file.ExecuteScalar<long>("SELECT value FROM meta WHERE key = 'epoch'"));
    }

    [Fact]
    public void A_new_file_gets_a_new_epoch()
    {
        using var first = StoreFixture.Store(StoreFixture.Options(_directory.File("first.db")));
        using var second = StoreFixture.Store(StoreFixture.Options(_directory.File("second.db")));

        first.EnsureOpen();
        second.EnsureOpen();

        Assert.True(first.Epoch > 0);
        Assert.True(second.Epoch > 0);
        Assert.NotEqual(first.Epoch, second.Epoch);
    }

    [Fact]
    public void A_file_deleted_and_created_again_starts_a_new_epoch_with_seqs_from_1()
    {
        var options = StoreFixture.Options(_directory.File("edge-agent.db"));
        long lostEpoch;
        using (var store = StoreFixture.Store(options))
        {
            store.Append([TestRecords.PendingEvent(1), TestRecords.PendingEvent(2)]);
            lostEpoch = store.Epoch;
        }
        foreach (var file in Directory.GetFiles(_directory.Path))
            File.Delete(file);

        using var fresh = StoreFixture.Store(options);
        fresh.Append([TestRecords.PendingEvent(3)]);

        Assert.NotEqual(lostEpoch, fresh.Epoch);
        Assert.Equal(1, fresh.LastIssuedSeq);
    }

    [Fact]
    public void Starting_a_new_epoch_keeps_every_pending_record_under_its_seq_and_the_file_remembers_it()
    {
        var options = StoreFixture.Options(_directory.File("edge-agent.db"));
        long left, next;
        using (var store = StoreFixture.Store(options))
        {
            store.Append([TestRecords.PendingEvent(1), TestRecords.PendingEvent(2), TestRecords.PendingEvent(3)]);
            store.Acknowledge(store.Epoch, 1);
            left = store.Epoch;

            next = Assert.IsType<long>(store.StartNewEpoch(left));

            Assert.Equal(next, store.Epoch);
            Assert.Equal([2L, 3L], store.ReadOutbox(0, 10).Select(e => e.Seq));
            Assert.Null(store.Acknowledge(left, 3)); // an acknowledgement for the old epoch removes nothing
            Assert.Equal(2, store.PendingCount);
        }

        using var reopened = StoreFixture.Store(options);
        reopened.EnsureOpen();
        Assert.NotEqual(left, next);
        Assert.Equal(next, reopened.Epoch);
        Assert.Equal(3, reopened.LastIssuedSeq);
    }

    [Fact]
    public void An_instruction_to_leave_an_epoch_the_file_is_not_in_changes_nothing()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_directory.File("edge-agent.db")));
        store.Append([TestRecords.PendingEvent(1)]);
        var epoch = store.Epoch;

        Assert.Null(store.StartNewEpoch(epoch + 1));

        Assert.Equal(epoch, store.Epoch);
    }
}
