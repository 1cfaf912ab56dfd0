using System.Text.Json;
using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Tests.Alerts;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>The alerts commands work on the database the hub runs on; the hub's channels send their changes out.</summary>
public sealed class AlertsCommandsTests
{
    [Fact]
    public async Task Alerts_are_listed_acknowledged_and_resolved_from_the_cli_and_the_hub_notifies_the_changes()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await bench.EvaluateAsync();
        var id = Assert.Single(bench.Store.List()).Id;
        var db = bench.Hub.DatabasePath;

        var listed = await CliRunner.RunAsync("alerts", "list", "--state", "open", "--db", db);
        Assert.Equal(0, listed.ExitCode);
        var line = JsonDocument.Parse(Assert.Single(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement.GetProperty("alert");
        Assert.Equal((id, "measured-precision", "night"), (line.GetProperty("id").GetInt64(), line.GetProperty("rule").GetString(), line.GetProperty("cameraId").GetString()));
        Assert.Equal(2, (await CliRunner.RunAsync("alerts", "list", "--state", "closed", "--db", db)).ExitCode);

        var acked = await CliRunner.RunAsync("alerts", "ack", $"{id}", "--note", "on site tomorrow", "--db", db);
        Assert.Equal((0, $"alert {id}: acknowledged"), (acked.ExitCode, acked.Output.Trim()));
        Assert.Equal(1, (await CliRunner.RunAsync("alerts", "resolve", $"{id}", "--db", db)).ExitCode); // no note
        Assert.Equal(0, (await CliRunner.RunAsync("alerts", "resolve", $"{id}", "--note", "camera re-aimed", "--db", db)).ExitCode);

        var history = bench.Store.History(id);
        Assert.Equal([AlertTransitions.Opened, AlertTransitions.Acknowledged, AlertTransitions.Resolved], history.Select(e => e.Transition));
        Assert.All(history.Skip(1), e => Assert.StartsWith("cli:", e.Actor));
        // The hub's next pass tells the webhook about what the CLI did; and the figure still being under the threshold,
        // it opens a new alert: resolving by hand does not silence a camera that is still bad (acknowledging does).
        await bench.EvaluateAsync();
        Assert.Equal([AlertNotificationKinds.Opened, AlertNotificationKinds.Acknowledged, AlertNotificationKinds.Resolved, AlertNotificationKinds.Opened],
            bench.Notifications.All.Select(n => n.Kind));
        Assert.NotEqual(id, Assert.Single(bench.Store.Live()).Id);
    }
}
