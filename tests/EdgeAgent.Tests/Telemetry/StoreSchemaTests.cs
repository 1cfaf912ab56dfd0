using EdgeMlops.EdgeAgent.Telemetry;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class StoreSchemaTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public StoreSchemaTests() => _path = _directory.File("edge-agent.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_new_file_is_created_at_the_latest_schema_version()
    {
        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
            store.EnsureOpen();

        using var file = StoreFixture.Inspect(_path);
        Assert.Equal(StoreSchema.Migrations.Latest, file.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal(0, file.Count(TableNames.Outbox));
    }

    [Fact]
    public void A_file_of_the_first_release_is_brought_to_the_latest_version_with_its_records()
    {
        long epoch;
        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            store.Append([TestRecords.PendingEvent(1), TestRecords.PendingEvent(2)]);
            epoch = store.Epoch;
        }
        // The first release created the same tables but never wrote user_version.
        using (var firstRelease = new SQLiteConnection(_path))
            firstRelease.Execute("PRAGMA user_version=0");

        using (var store = StoreFixture.Store(StoreFixture.Options(_path)))
        {
            store.EnsureOpen();
            Assert.Equal(2, store.PendingCount);
            Assert.Equal(epoch, store.Epoch);
        }

        using var file = StoreFixture.Inspect(_path);
        Assert.Equal(StoreSchema.Migrations.Latest, file.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal([1L, 2L], file.Seqs(TableNames.Outbox));
    }

    [Fact]
    public void A_file_from_a_newer_release_is_refused_naming_the_file_and_both_versions()
    {
        var newer = StoreSchema.Migrations.Latest + 1;
        using (var newerRelease = new SQLiteConnection(_path))
            newerRelease.Execute($"PRAGMA user_version={newer}");
        using var store = StoreFixture.Store(StoreFixture.Options(_path));

        var failure = Assert.Throws<EdgeStoreException>(store.EnsureOpen);

        Assert.Equal(_path, failure.DatabasePath);
        Assert.Contains(_path, failure.Message);
        Assert.Contains($"schema version {newer}", failure.Message);
        Assert.Contains($"version {StoreSchema.Migrations.Latest}", failure.Message);
        Assert.False(store.IsAvailable);
        using var file = StoreFixture.Inspect(_path);
        Assert.Equal(newer, file.ExecuteScalar<int>("PRAGMA user_version"));
    }
}
