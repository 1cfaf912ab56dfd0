using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class ReviewedPrecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly CameraReviewedPrecision Cam1 = new("cam-1", "1.0.0", 0.41, 0.33, 0.50, 120, At);

    [Fact]
    public void The_figures_of_the_desired_property_are_held_and_a_state_without_it_clears_them()
    {
        var desired = new DesiredStateStore();
        var book = new ReviewedPrecisionBook(desired, new FakeLogger<ReviewedPrecisionBook>());
        Assert.Null(book.Cameras);

        Accept(desired, 1, new ReviewedPrecision([Cam1]).ToProperty());
        Assert.Equal([Cam1], book.Cameras);

        Accept(desired, 2, property: null);
        Assert.Null(book.Cameras);
    }

    [Fact]
    public void A_malformed_property_is_warned_about_once_and_ignored_keeping_the_figures_held_before()
    {
        var desired = new DesiredStateStore();
        var log = new FakeLogger<ReviewedPrecisionBook>();
        var book = new ReviewedPrecisionBook(desired, log);
        Accept(desired, 1, new ReviewedPrecision([Cam1]).ToProperty());
        Assert.NotNull(book.Cameras);

        Accept(desired, 2, JsonDocument.Parse("""{"cameras":[{"cameraId":"cam-1","precision":"high"}]}""").RootElement.Clone());
        for (int i = 0; i < 3; i++) Assert.Equal([Cam1], book.Cameras);
        Accept(desired, 3, new ReviewedPrecision([Cam1 with { Precision = 1.7 }]).ToProperty()); // out of range: refused by the contract
        Assert.Equal([Cam1], book.Cameras);

        var warnings = log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains(ReviewedPrecision.PropertyName, w));
        Assert.Contains("revision 2", warnings[0]);
    }

    [Fact]
    public void The_newest_figure_per_camera_is_the_one_shown()
    {
        var desired = new DesiredStateStore();
        var book = new ReviewedPrecisionBook(desired, new FakeLogger<ReviewedPrecisionBook>());
        var newer = Cam1 with { ModelVersion = "1.1.0", Precision = 0.8, Lower = 0.7, Upper = 0.9, At = At.AddHours(1) };
        Accept(desired, 1, new ReviewedPrecision([newer, Cam1, Cam1 with { CameraId = "cam-2" }]).ToProperty());

        var byCamera = book.ByCamera();

        Assert.Equal(newer, byCamera["cam-1"]);
        Assert.Equal("cam-2", byCamera["cam-2"].CameraId);
    }

    [Fact]
    public async Task The_box_echoes_the_reviewed_precision_the_hub_sent_in_its_reported_state()
    {
        await using var broker = await TestBroker.StartAsync();
        var state = new DesiredState(SyncRig.DeviceId, 4, At, new Dictionary<string, JsonElement>
        {
            [ReviewedPrecision.PropertyName] = new ReviewedPrecision([Cam1]).ToProperty(),
        });
        await broker.PublishRetainedAsync(Topics.Desired(SyncRig.DeviceId), JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.DesiredState));
        await using var rig = new SyncRig(broker.Address);

        await rig.StartAsync();
        await rig.Desired.WaitForChangeAsync(-1, Eventually.Soon());
        await rig.StopAsync();

        var finalReport = broker.Received.On(Topics.Reported(SyncRig.DeviceId)).Last().Reported();
        Assert.Equal(4, finalReport.DesiredRevision);
        Assert.Equal([Cam1], finalReport.ReviewedPrecision!);
    }

    private static void Accept(DesiredStateStore store, long revision, JsonElement? property)
    {
        var properties = new Dictionary<string, JsonElement>();
        if (property is { } p) properties[ReviewedPrecision.PropertyName] = p;
        Assert.True(store.TryAccept(new DesiredState(SyncRig.DeviceId, revision, At, properties), out var refusal), refusal);
    }
}
