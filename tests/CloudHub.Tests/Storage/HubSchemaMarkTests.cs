using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Sqlite;
using SQLite;

namespace EdgeMlops.CloudHub.Tests.Storage;

/// <summary>The hub's database carries its own mark: --db pointed at another file is refused untouched.</summary>
public sealed class HubSchemaMarkTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => _directory.File("hub.db");

    [Fact]
    public void A_hub_database_written_before_the_mark_is_accepted_and_marked()
    {
        using var connection = new SQLiteConnection(DatabasePath);
        HubSchema.Migrations.UpTo(1).Apply(connection, DatabasePath);
        connection.Execute("PRAGMA application_id=0");

        HubSchema.Migrations.Apply(connection, DatabasePath);

        Assert.NotEqual(0, connection.ExecuteScalar<int>("PRAGMA application_id"));
        Assert.Equal(HubSchema.Migrations.Latest, connection.ExecuteScalar<int>("PRAGMA user_version"));
    }

    [Fact]
    public void An_agent_store_is_not_taken_for_a_hub_database()
    {
        using var connection = new SQLiteConnection(DatabasePath);
        connection.Execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, created_at_ms INTEGER)");

        var refused = Assert.Throws<ForeignDatabaseException>(() => HubSchema.Migrations.Apply(connection, DatabasePath));

        Assert.Contains("outbox", refused.Message);
        Assert.Equal(0, connection.ExecuteScalar<int>("PRAGMA user_version"));
    }
}
