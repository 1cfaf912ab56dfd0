using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>Operator commands: a token shown once and stored hashed, revocation, and the CLI's changes in the audit log.</summary>
public sealed class OperatorCommandsTests
{
    [Fact]
    public async Task Operator_add_prints_a_token_once_list_never_shows_it_and_revoke_withdraws_it()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");

        var add = await CliRunner.RunAsync("operator", "add", "alice", "--role", "admin", "--db", db);
        Assert.Equal(0, add.ExitCode);
        var line = JsonDocument.Parse(add.Output.Trim()).RootElement;
        Assert.Equal("admin", line.GetProperty("role").GetString());
        var token = line.GetProperty("token").GetString()!;

        var taken = await CliRunner.RunAsync("operator", "add", "alice", "--role", "viewer", "--db", db);
        Assert.Equal(1, taken.ExitCode);
        var list = await CliRunner.RunAsync("operator", "list", "--db", db);
        Assert.Contains("\"name\":\"alice\"", list.Output);
        Assert.DoesNotContain(token, list.Output);
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(db));

        Assert.Equal(0, (await CliRunner.RunAsync("operator", "revoke", "alice", "--db", db)).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync("operator", "revoke", "alice", "--db", db)).ExitCode);
        await using var hub = new InProcessHub(directory: directory.Path);
        Assert.Null(hub.Get<OperatorRegistry>().FindByToken(token));
    }

    [Theory]
    [InlineData("--role", "root")]
    [InlineData("--rolle", "admin")]
    public async Task A_bad_role_or_option_is_a_usage_error(string option, string value)
    {
        using var directory = new TempDirectory();

        var add = await CliRunner.RunAsync("operator", "add", "alice", option, value, "--db", directory.File("hub.db"));

        Assert.Equal(2, add.ExitCode);
        Assert.Contains("--rol", add.Error);
    }

    [Fact]
    public async Task Device_and_operator_changes_from_the_cli_are_audited_as_the_os_user()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        await CliRunner.RunAsync("device", "enroll", "dev-a", "--rotate", "--db", db);
        await CliRunner.RunAsync("device", "revoke", "dev-a", "--db", db);
        await CliRunner.RunAsync("operator", "add", "bob", "--role", "viewer", "--db", db);
        await CliRunner.RunAsync("operator", "revoke", "bob", "--db", db);

        await using var hub = new InProcessHub(directory: directory.Path);
        var entries = hub.Get<AuditLog>().Page(before: null, limit: 10).Select(e => $"{e.Actor} {e.Action} {e.Target} {e.Outcome}").ToList();

        var actor = $"cli:{Environment.UserName}";
        Assert.Equal(
        [
            $"{actor} operator.revoke bob ok",
            $"{actor} operator.add bob ok: viewer",
            $"{actor} device.revoke dev-a ok",
            $"{actor} device.rotate dev-a ok",
            $"{actor} device.enroll dev-a ok",
        ], entries);
    }
}
