using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class StoreFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_database_runs_in_WAL_mode()
    {
        var path = _directory.File("edge-agent.db");
        using var store = StoreFixture.Store(StoreFixture.Options(path));
        store.Append([TestRecords.PendingEvent(1)]);

        using var file = StoreFixture.Inspect(path);
        Assert.Equal("wal", file.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.True(File.Exists(path + "-wal"));
    }

    [Fact]
    public void The_data_directory_is_created()
    {
        var path = Path.Combine(_directory.Path, "data", "nested", "edge-agent.db");
        using var store = StoreFixture.Store(StoreFixture.Options(path));

        store.EnsureOpen();

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void A_file_that_is_not_a_database_gives_an_error_naming_the_file_and_the_problem()
    {
        var path = _directory.File("edge-agent.db");
        File.WriteAllBytes(path, TestRecords.Jpeg(1, 8192));
        using var store = StoreFixture.Store(StoreFixture.Options(path));

        var failure = Assert.Throws<EdgeStoreException>(store.EnsureOpen);

        Assert.Equal(StoreProblem.NotADatabase, failure.Problem);
        Assert.Equal(path, failure.DatabasePath);
        Assert.Contains(path, failure.Message);
        Assert.Contains("not a SQLite database", failure.Message);
        Assert.False(store.IsAvailable);
    }

    [Fact]
    public void A_path_under_a_regular_file_cannot_be_opened_and_says_so()
    {
        var blocker = _directory.File("not-a-directory");
        File.WriteAllText(blocker, "a file where the data directory should be");
        var path = Path.Combine(blocker, "edge-agent.db");
        using var store = StoreFixture.Store(StoreFixture.Options(path));

        var failure = Assert.Throws<EdgeStoreException>(() => store.Append([TestRecords.PendingEvent(1), TestRecords.PendingEvent(2)]));

        Assert.Equal(StoreProblem.CannotOpen, failure.Problem);
        Assert.Contains(path, failure.Message);
        Assert.Equal(2, failure.RecordsLost);
        Assert.Equal(2, store.LostRecords);
    }

    [Fact]
    public void A_broken_file_is_retried_only_after_the_reopen_interval_and_then_works()
    {
        var path = _directory.File("edge-agent.db");
        File.WriteAllBytes(path, TestRecords.Jpeg(1, 8192));
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var store = StoreFixture.Store(StoreFixture.Options(path, o => o.ReopenInterval = TimeSpan.FromMinutes(1)), clock);
        Assert.Throws<EdgeStoreException>(store.EnsureOpen);

        File.Delete(path);
        var stillWaiting = Assert.Throws<EdgeStoreException>(() => store.Append([TestRecords.PendingEvent(1)]));
        Assert.Equal(StoreProblem.NotADatabase, stillWaiting.Problem);
        Assert.Contains("next attempt", stillWaiting.Message);

        clock.Advance(TimeSpan.FromMinutes(1));
        store.Append([TestRecords.PendingEvent(2)]);

        Assert.True(store.IsAvailable);
        Assert.Equal(1, store.LostRecords);
        Assert.Equal([1L], store.ReadOutbox(0, 10).Select(e => e.Seq));
    }
}
