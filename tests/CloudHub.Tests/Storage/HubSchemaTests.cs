using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Sqlite;
using SQLite;

namespace EdgeMlops.CloudHub.Tests.Storage;

public sealed class HubSchemaTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => _directory.File("hub.db");

    [Fact]
    public async Task A_new_database_is_created_at_the_latest_schema_version()
    {
        await using var hub = new InProcessHub(directory: _directory.Path);

        Assert.Equal(HubSchema.Migrations.Latest, hub.Database.Read(c => c.ExecuteScalar<int>("PRAGMA user_version")));
        Assert.Empty(hub.Registry.List());
    }

    [Fact]
    public async Task A_database_of_the_first_release_is_brought_to_the_latest_version_with_its_rows()
    {
        using (var firstRelease = new SQLiteConnection(DatabasePath))
        {
            HubSchema.Migrations.UpTo(1).Apply(firstRelease, DatabasePath);
            firstRelease.Execute("INSERT INTO devices (id, enrolled_at, password_hash) VALUES ('box-1', 1000, '$7$kept')");
            firstRelease.Execute(
                "INSERT INTO events (device_id, epoch, seq, camera_id, time, label, confidence, created_at, received_at, payload) " +
                "VALUES ('box-1', 7, 1, 'cam-1', 1000, 'car', 0.9, 1000, 1000, '{}')");
        }

        await using var hub = new InProcessHub(directory: _directory.Path);

        Assert.Equal(HubSchema.Migrations.Latest, hub.Database.Read(c => c.ExecuteScalar<int>("PRAGMA user_version")));
        Assert.Equal("$7$kept", Assert.Single(hub.Registry.List()).PasswordHash);
        Assert.Equal([1L], hub.Seqs("box-1"));
    }

    [Fact]
    public async Task A_database_of_the_first_release_gains_operators_and_an_audit_log()
    {
        using (var firstRelease = new SQLiteConnection(DatabasePath))
            HubSchema.Migrations.UpTo(1).Apply(firstRelease, DatabasePath);

        await using var hub = new InProcessHub(directory: _directory.Path);
        hub.AddOperator("alice", OperatorRole.Admin);
        hub.Get<AuditLog>().Record("alice", "device.enroll", "box-1", "ok");

        Assert.Equal("alice", Assert.Single(hub.Get<OperatorRegistry>().List()).Name);
        Assert.Equal("alice", Assert.Single(hub.Get<AuditLog>().Page(before: null, limit: 10)).Actor);
    }

    [Fact]
    public async Task A_database_from_a_newer_release_stops_the_hub_naming_the_key_the_file_and_both_versions()
    {
        var newer = HubSchema.Migrations.Latest + 1;
        using (var newerRelease = new SQLiteConnection(DatabasePath))
            newerRelease.Execute($"PRAGMA user_version={newer}");

        var error = await Assert.ThrowsAsync<HubConfigurationException>(() => InProcessHub.StartAsync(_directory.Path));

        Assert.Equal("Hub:Store:Path", error.Key);
        Assert.Contains(DatabasePath, error.Message);
        Assert.Contains($"schema version {newer}", error.Message);
        Assert.Contains($"version {HubSchema.Migrations.Latest}", error.Message);
        using var file = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        Assert.Equal(newer, file.ExecuteScalar<int>("PRAGMA user_version"));
    }

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
