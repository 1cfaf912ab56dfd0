using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Hosting;

/// <summary>
/// The real cloud-hub process given what a careless operator types: exit code 2 naming the option or key and the
/// nearest valid one, instead of starting on an empty default database or crashing in the configuration binder.
/// </summary>
public sealed class HubBadInputTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(new[] { "--dbb", "x.db" }, "--dbb", "--db")]
    [InlineData(new[] { "serve", "--dbb", "x.db" }, "--dbb", "--db")]
    [InlineData(new[] { "--Hub:Store:Pth=x.db" }, "--Hub:Store:Pth", "--Hub:Store:Path")]
    [InlineData(new[] { "serve", "--Hub:Broker:Lisen", "127.0.0.1:1" }, "--Hub:Broker:Lisen", "--Hub:Broker:Listen")]
    public async Task A_misspelt_option_exits_2_naming_it_and_the_nearest_valid_one(string[] args, string option, string suggestion)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains($"unknown option {option}", stderr);
        Assert.Contains($"did you mean {suggestion}?", stderr);
        Assert.False(File.Exists(_directory.File("data/hub.db")), "nothing started on the default database");
    }

    [Theory]
    [InlineData("--Hub:Store:Synchronous=Fulll", "Hub:Store:Synchronous")]
    [InlineData("--Hub:Broker:KeepAlive=soon", "Hub:Broker:KeepAlive")]
    public async Task A_value_that_does_not_convert_exits_2_naming_the_key_not_134(string option, string key)
    {
        var (code, _, stderr) = await RunAsync(["serve", "--db", "hub.db", option]);

        Assert.Equal(2, code);
        Assert.Contains($"invalid value", stderr);
        Assert.Contains(key, stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
    }

    [Fact]
    public async Task Another_applications_database_is_refused_and_gets_none_of_our_tables()
    {
        var db = _directory.File("customers.db");
        using (var other = new SQLite.SQLiteConnection(db))
            other.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");

        var (code, _, stderr) = await RunAsync(["serve", "--db", db, "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}",
            "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}"]);

        Assert.Equal(2, code);
        Assert.Contains("Hub:Store:Path", stderr);
        Assert.Contains("customers", stderr);
        using var check = new SQLite.SQLiteConnection(db);
        Assert.Equal(["customers"], check.QueryScalars<string>("SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args) => HubProgram.RunAsync(_directory.Path, args);
}
