using System.Text.Json;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>Device commands: <c>device enroll</c> does not re-key an enrolled device by accident; an unusable or foreign database is named; a misspelt option gets the nearest one.</summary>
public sealed class DeviceCommandsTests
{
    [Fact]
    public async Task Enrolling_an_enrolled_device_again_fails_unless_rotate_is_given()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        var first = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        Assert.Equal(0, first.ExitCode);

        var again = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already enrolled", again.Output + again.Error);
        Assert.Contains("--rotate", again.Output + again.Error);

        var rotated = await CliRunner.RunAsync("device", "enroll", "dev-a", "--rotate", "--db", db);
        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(Secret(first.Output), Secret(rotated.Output));
    }

    [Fact]
    public async Task A_database_from_a_newer_release_is_refused_naming_the_file_and_both_versions()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        using (var newerRelease = new SQLite.SQLiteConnection(db))
            newerRelease.Execute("PRAGMA user_version=1000");

        var list = await CliRunner.RunAsync("device", "list", "--db", db);

        Assert.Equal(2, list.ExitCode);
        Assert.Contains(db, list.Error);
        Assert.Contains("schema version 1000", list.Error);
        Assert.Contains($"version {EdgeMlops.CloudHub.Storage.HubSchema.Migrations.Latest}", list.Error);
    }

    [Fact]
    public async Task A_misspelt_option_is_refused_with_the_nearest_one_and_another_applications_database_is_left_untouched()
    {
        using var directory = new TempDirectory();
        var db = directory.File("customers.db");
        using (var other = new SQLite.SQLiteConnection(db))
            other.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");

        var typo = await CliRunner.RunAsync("device", "list", "--dbb", db);
        var foreign = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);

        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("--dbb (did you mean --db?)", typo.Error);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains(db, foreign.Error);
        Assert.Contains("customers", foreign.Error);
        using var check = new SQLite.SQLiteConnection(db);
        Assert.Equal(["customers"], check.QueryScalars<string>("SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    private static string Secret(string output) =>
        JsonDocument.Parse(output.Trim()).RootElement.GetProperty("secret").GetString()!;
}
