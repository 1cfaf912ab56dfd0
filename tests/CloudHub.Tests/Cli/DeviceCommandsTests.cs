using System.Text.Json;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>Device commands: <c>device enroll</c> does not re-key an enrolled device by accident; an unusable database is named.</summary>
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

    private static string Secret(string output) =>
        JsonDocument.Parse(output.Trim()).RootElement.GetProperty("secret").GetString()!;
}
