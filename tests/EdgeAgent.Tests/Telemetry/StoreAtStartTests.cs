using EdgeMlops.EdgeAgent.Tests.Support;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>
/// The real agent given a <c>--db</c> it cannot use: it exits with code 2 naming the file instead of classifying
/// for nothing. A store that fails later (a full disk) keeps the agent running: see <see cref="DiskFullTests"/>.
/// </summary>
public sealed class StoreAtStartTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-store-start-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_that_is_not_a_database_stops_the_start()
    {
        var db = _dir.File("garbage.db");
        File.WriteAllBytes(db, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());

        await AssertRefusedAsync(db, "NotADatabase");
    }

    [Fact]
    public async Task A_truncated_database_stops_the_start()
    {
        var good = _dir.File("good.db");
        using (var agent = new AgentProcess(_dir.Path, "--db", good, "--duration", "2s", "--Sync:Enabled=false"))
            Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var truncated = _dir.File("truncated.db");
        var bytes = File.ReadAllBytes(good);
        Assert.True(bytes.Length > 8192, $"the agent's file has {bytes.Length} bytes");
        File.WriteAllBytes(truncated, bytes[..8192]);

        await AssertRefusedAsync(truncated, "Corrupt");
    }

    [Fact]
    public async Task A_directory_stops_the_start()
    {
        var db = Directory.CreateDirectory(_dir.File("a-directory.db")).FullName;

        await AssertRefusedAsync(db, "CannotOpen");
    }

    [Fact]
    public async Task An_unwritable_folder_stops_the_start()
    {
        // /proc refuses new files even to root, who ignores a folder's permission bits.
        await AssertRefusedAsync("/proc/self/edge-agent.db", "CannotOpen");
    }

    [Fact]
    public async Task Another_applications_database_stops_the_start_and_gets_none_of_our_tables()
    {
        var db = _dir.File("customers.db");
        using (var other = new SQLiteConnection(db))
            other.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");

        await AssertRefusedAsync(db, "NotOurs");

        using var check = new SQLiteConnection(db);
        Assert.Equal(["customers"], check.QueryScalars<string>("SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    [Fact]
    public async Task The_hubs_database_is_not_taken_for_the_agents()
    {
        var db = _dir.File("hub.db");
        using (var other = new SQLiteConnection(db))
            other.Execute("PRAGMA application_id=1162692674"); // the hub's mark, "EMHB"

        await AssertRefusedAsync(db, "NotOurs");
    }

    private async Task AssertRefusedAsync(string db, string problem)
    {
        using var agent = new AgentProcess(_dir.Path, "--db", db, "--duration", "5s", "--Sync:Enabled=false");

        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"the telemetry store {db} cannot be used ({problem})", agent.Stderr);
        Assert.Equal("", agent.Stdout.Trim()); // no run summary: nothing ran
    }
}
