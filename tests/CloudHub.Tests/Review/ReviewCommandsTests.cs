using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Cli;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary><c>cloud-hub review next|label|stats</c> against a hub database with ingested samples.</summary>
public sealed class ReviewCommandsTests
{
    private const string Device = "box-1";

    private static async Task<string> DatabaseWithSamplesAsync(TempDirectory directory)
    {
        await using var hub = new InProcessHub(directory: directory.Path);
        hub.Enroll(Device);
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car", 0.8, camera: "cam-7", reason: SampleReasons.Random));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, "truck", 0.3, camera: "cam-7", reason: SampleReasons.NeedsReview));
        return hub.DatabasePath;
    }

    [Fact]
    public async Task Next_shows_the_crop_path_model_top3_and_reason_and_label_moves_the_queue_on_audited_as_the_cli_user()
    {
        using var directory = new TempDirectory();
        var db = await DatabaseWithSamplesAsync(directory);

        var next = await CliRunner.RunAsync("review", "next", "--order", "hardest", "--db", db);
        Assert.Equal(0, next.ExitCode);
        Assert.Contains($"sample   {Device}/5/2", next.Output);
        var crop = next.Output.Split('\n').Single(line => line.StartsWith("crop", StringComparison.Ordinal))["crop".Length..].Trim();
        Assert.True(File.Exists(crop), crop);
        Assert.Equal(Payloads.Jpeg(2, 700), await File.ReadAllBytesAsync(crop));
        Assert.Contains("camera cam-7", next.Output);
        Assert.Contains($"model {ReviewSamples.Model} 1.0.0", next.Output);
        Assert.Contains("top-3    car 0.42, truck 0.30, van 0.21", next.Output);
        Assert.Contains("reason   needs-review", next.Output);

        var refused = await CliRunner.RunAsync("review", "label", $"{Device}/5/2", "lorry", "--db", db);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("allowed: bus, car, truck, van, not-a-vehicle, unsure", refused.Output);

        var labelled = await CliRunner.RunAsync("review", "label", $"{Device}/5/2", ReviewLabels.NotAVehicle, "--db", db);
        Assert.Equal(0, labelled.ExitCode);
        Assert.Contains("state    labelled: not-a-vehicle", labelled.Output);
        var then = await CliRunner.RunAsync("review", "next", "--order", "hardest", "--db", db);
        Assert.Contains($"sample   {Device}/5/1", then.Output);

        var undone = await CliRunner.RunAsync("review", "label", $"{Device}/5/2", "--undo", "--db", db);
        Assert.Equal(0, undone.ExitCode);
        Assert.Contains("state    unlabelled", undone.Output);

        await using var hub = new InProcessHub(directory: directory.Path);
        var audit = hub.Audit(ReviewAuditActions.Label);
        Assert.Equal([(AuditLog.CliActor, $"{Device}/5/2", "refused: label 'lorry' not allowed"), (AuditLog.CliActor, $"{Device}/5/2", "ok: not-a-vehicle")], audit);
        Assert.Equal([(AuditLog.CliActor, $"{Device}/5/2", "ok")], hub.Audit(ReviewAuditActions.Unlabel));
    }

    [Fact]
    public async Task Stats_print_the_same_figures_as_the_api_and_bad_keys_are_usage_errors()
    {
        using var directory = new TempDirectory();
        var db = await DatabaseWithSamplesAsync(directory);
        Assert.Equal(0, (await CliRunner.RunAsync("review", "label", $"{Device}/5/1", "car", "--db", db)).ExitCode);

        var stats = await CliRunner.RunAsync("review", "stats", "--db", db);
        Assert.Equal(0, stats.ExitCode);
        var json = JsonDocument.Parse(stats.Output).RootElement;
        Assert.Equal(2, json.GetProperty("samples").GetInt64());
        Assert.Equal(1, json.GetProperty("states").GetProperty(ReviewStates.Labelled).GetInt64());
        Assert.Equal(1, json.GetProperty("labels").GetProperty("human").GetInt64());

        var badKey = await CliRunner.RunAsync("review", "label", "box-1/five/1", "car", "--db", db);
        Assert.Equal(2, badKey.ExitCode);
        Assert.Contains("epoch and seq must be whole numbers", badKey.Error);
        var unknown = await CliRunner.RunAsync("review", "label", $"{Device}/5/99", "car", "--db", db);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no sample box-1/5/99", unknown.Output);
    }
}
