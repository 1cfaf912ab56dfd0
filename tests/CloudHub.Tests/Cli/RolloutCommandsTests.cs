using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Tests.Rollout;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>Rollout and tag commands write the same database the hub runs on: the hub's coordinator picks their changes up.</summary>
public sealed class RolloutCommandsTests
{
    [Fact]
    public async Task Tags_and_a_rollout_made_with_the_cli_are_carried_out_by_the_hub_and_an_abort_from_the_cli_reverts()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"), directory.Path);
        await fleet.AddDevicesAsync(3, "1");

        var tagged = await CliRunner.RunAsync("device", "tag", "box-1", "site=north", "camera=tunnel", "--db", db);
        Assert.Equal((0, """{"camera":"tunnel","site":"north"}"""), (tagged.ExitCode, tagged.Output.Trim()));
        await CliRunner.RunAsync("device", "tag", "box-2", "site=north", "--db", db);
        var removed = await CliRunner.RunAsync("device", "tag", "box-1", "--remove", "camera", "--db", db);
        Assert.Equal("""{"site":"north"}""", removed.Output.Trim());
        var badTag = await CliRunner.RunAsync("device", "tag", "box-1", "site=no rth", "--db", db);
        Assert.Equal(2, badTag.ExitCode);
        Assert.Contains("'site=no rth' is not key=value", badTag.Error);
        Assert.Equal(1, (await CliRunner.RunAsync("device", "tag", "box-9", "site=north", "--db", db)).ExitCode);

        var badSelector = await CliRunner.RunAsync("rollout", "create", "--model", RolloutFleet.Model, "--version", "2", "--selector", "site==north", "--db", db);
        Assert.Equal(2, badSelector.ExitCode);
        Assert.Contains("'==' at position 5", badSelector.Error);
        var created = await CliRunner.RunAsync("rollout", "create", "--model", RolloutFleet.Model, "--version", "2", "--selector", "site=north",
            "--canary", "1", "--window", "2m", "--probation-seconds", "30", "--db", db);
        Assert.Equal(0, created.ExitCode);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(30, fleet.Rollout(id).ProbationSeconds);

        await fleet.TickAsync();
        Assert.Equal(RolloutStates.Running, fleet.Rollout(id).State);
        Assert.Equal(2, fleet.Counters(id).Targeted);
        var paused = await CliRunner.RunAsync("rollout", "pause", $"{id}", "--db", db);
        Assert.Equal((0, $"rollout {id}: paused"), (paused.ExitCode, paused.Output.Trim()));
        Assert.Equal(1, (await CliRunner.RunAsync("rollout", "resume", "77", "--db", db)).ExitCode);
        await fleet.BoxesApplyAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("rollout", "abort", $"{id}", "--db", db)).ExitCode);
        await fleet.TickAsync();

        var shown = await CliRunner.RunAsync("rollout", "show", $"{id}", "--db", db);
        var rollout = JsonDocument.Parse(shown.Output).RootElement;
        Assert.Equal((RolloutStates.Aborted, "aborted by an operator"), (rollout.GetProperty("state").GetString(), rollout.GetProperty("reason").GetString()));
        Assert.Equal(1, rollout.GetProperty("counters").GetProperty("reverted").GetInt32());
        Assert.Equal(["box-1", "box-2"], fleet.DevicesOf(id).Select(d => d.DeviceId).Order());
        Assert.All(fleet.DevicesOf(id), d => Assert.NotEqual("2", fleet.DesiredVersion(d.DeviceId)));
        var list = await CliRunner.RunAsync("rollout", "list", "--db", db);
        Assert.Single(list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var audit = fleet.Hub.Get<AuditLog>().Page(null, 50).Select(e => e.Action).ToList();
        Assert.Contains(RolloutAuditActions.Create, audit);
        Assert.Contains(RolloutAction.Abort.AuditName(), audit);
        Assert.Contains(RolloutAuditActions.TagRemove, audit);
    }
}
