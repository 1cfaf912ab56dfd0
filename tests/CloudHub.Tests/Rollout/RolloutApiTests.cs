using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Tests.Rollout;

/// <summary>The rollout and tag routes on a started hub, its coordinator ticking on the system clock.</summary>
public sealed class RolloutApiTests : IAsyncLifetime
{
    private readonly RecordedNotifications _notifications = new();
    private InProcessHub _hub = null!;

    public async Task InitializeAsync() => _hub = await InProcessHub.StartAsync(configureServices: services =>
    {
        services.Replace(ServiceDescriptor.Singleton<IModelCatalog>(new TestCatalog("1", "2")));
        services.Replace(ServiceDescriptor.Singleton<IHubNotifications>(_notifications));
    });

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Tags_are_set_by_an_operator_audited_and_filter_the_device_list()
    {
        foreach (var id in new[] { "box-1", "box-2" })
            _hub.Enroll(id);
        var viewer = _hub.ClientAs(OperatorRole.Viewer);
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync("/api/devices/box-1/tags/site", "north")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PutAsJsonAsync("/api/devices/box-1/tags/site", "north")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PutAsJsonAsync("/api/devices/box-2/tags/site", "north")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PutAsJsonAsync("/api/devices/box-2/tags/camera", "tunnel")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PutAsJsonAsync("/api/devices/box-2/tags/camera", "a b")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PutAsJsonAsync("/api/devices/box-9/tags/site", "north")).StatusCode);

        Assert.Equal(["box-1"], await DeviceIdsAsync(viewer, "site=north,camera!=tunnel"));
        Assert.Equal(["box-1", "box-2"], await DeviceIdsAsync(viewer, "site"));
        var bad = await viewer.GetAsync("/api/devices?selector=site%3D%3Dnorth");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'==' at position 5", await bad.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.DeleteAsync("/api/devices/box-2/tags/camera")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.DeleteAsync("/api/devices/box-2/tags/camera")).StatusCode);
        Assert.Equal(["box-1", "box-2"], await DeviceIdsAsync(viewer, "site=north,camera!=tunnel"));
        var tags = await viewer.GetFromJsonAsync<Dictionary<string, string>>("/api/devices/box-2/tags");
        Assert.Equal(new Dictionary<string, string> { ["site"] = "north" }, tags);

        var audit = AuditOf(RolloutAuditActions.TagSet, RolloutAuditActions.TagRemove);
        Assert.Contains(("operator", RolloutAuditActions.TagSet, "box-1/site", "ok: site=north"), audit);
        Assert.Contains(("operator", RolloutAuditActions.TagRemove, "box-2/camera", "ok"), audit);
        Assert.Contains(("operator", RolloutAuditActions.TagRemove, "box-2/camera", "refused: no such tag"), audit);
    }

    [Fact]
    public async Task An_operator_rolls_out_to_a_selector_the_coordinator_completes_it_and_a_rollback_is_audited()
    {
        var devices = new[] { "box-1", "box-2", "box-3" };
        foreach (var device in devices)
        {
            _hub.Enroll(device);
            _hub.Get<EdgeMlops.CloudHub.Devices.DeviceTags>().Set(device, "site", "north");
            await ReportAsync(device, "1", null);
        }
        var viewer = _hub.ClientAs(OperatorRole.Viewer);
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);
        var request = new { model = RolloutFleet.Model, version = "2", selector = "site=north", canary = 1, waveBase = 2, window = "00:00:00" };

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/rollouts", request)).StatusCode);
        var unknown = await operatorClient.PostAsJsonAsync("/api/rollouts", request with { version = "9" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no registered version or alias '9'", await unknown.Content.ReadAsStringAsync());
        var badSelector = await operatorClient.PostAsJsonAsync("/api/rollouts", request with { selector = "site=" });
        Assert.Contains("bad value at position 6", await badSelector.Content.ReadAsStringAsync());
        var created = await operatorClient.PostAsJsonAsync("/api/rollouts", request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // The boxes: whatever version the desired state names, they apply.
        await Eventually.HoldsAsync(() =>
        {
            foreach (var device in devices)
            {
                if (_hub.Get<EdgeMlops.CloudHub.Devices.DesiredStateBook>().Current(device) is { } state && DesiredModel.TryRead(state, out var model, out _)
                    && _hub.Store.Device(device)!.ModelVersion != model.Version)
                    ReportAsync(device, model.Version, new ModelDeploymentReport(model.Name, model.Version, ModelDeploymentState.Active, DateTimeOffset.UtcNow, model.RolloutId))
                        .GetAwaiter().GetResult();
            }
            return ShowAsync(viewer, id).GetAwaiter().GetResult().GetProperty("state").GetString() == RolloutStates.Completed;
        }, "the rollout to complete");

        var shown = await ShowAsync(viewer, id);
        Assert.Equal("""{"targeted":3,"applied":3,"succeeded":3,"failed":0,"reverted":0}""", shown.GetProperty("counters").GetRawText());
        Assert.Equal(3, shown.GetProperty("devices").GetArrayLength());
        Assert.Single((await viewer.GetFromJsonAsync<JsonElement>("/api/rollouts")).EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/rollouts/{id}/rollback", null)).StatusCode);
        var pause = await operatorClient.PostAsync($"/api/rollouts/{id}/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);
        Assert.Contains("is completed", await pause.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync("/api/rollouts/999/abort", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/rollouts/{id}/rollback", null)).StatusCode);
        await Eventually.HoldsAsync(() => _hub.Get<RolloutStore>().Devices(id).All(d => d.State == RolloutDeviceStates.Reverted), "every device reverted");

        var audit = AuditOf(RolloutAuditActions.Create, RolloutAction.Pause.AuditName(), RolloutAction.Rollback.AuditName(), RolloutAction.Abort.AuditName());
        Assert.Contains(("operator", RolloutAuditActions.Create, $"{id}", "ok: vehicle-classifier 2"), audit);
        Assert.Contains(("operator", RolloutAction.Rollback.AuditName(), $"{id}", "ok"), audit);
        Assert.Contains(audit, entry => entry.Action == RolloutAction.Pause.AuditName() && entry.Outcome.StartsWith("refused: rollout", StringComparison.Ordinal));
        Assert.Contains(audit, entry => entry.Action == RolloutAuditActions.Create && entry.Outcome.Contains("no registered version", StringComparison.Ordinal));
        Assert.Equal([RolloutStates.Running, RolloutStates.Completed, RolloutStates.RolledBack], _notifications.RolloutStates(id));
        var metrics = await viewer.GetStringAsync("/metrics");
        Assert.Contains("edgemlops_hub_rollouts{state=\"rolled-back\"} 1", metrics);
    }

    [Fact]
    public async Task A_rollout_naming_a_device_that_is_not_enrolled_is_refused_naming_it_and_audited()
    {
        _hub.Enroll("box-1");
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);

        var refused = await operatorClient.PostAsJsonAsync("/api/rollouts", new { model = RolloutFleet.Model, version = "2", devices = new[] { "box-1", "box-9" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'box-9' is not an enrolled device", await refused.Content.ReadAsStringAsync());
        Assert.Empty(_hub.Get<RolloutStore>().List());
        Assert.Contains(AuditOf(RolloutAuditActions.Create), entry => entry.Outcome == "refused: devices: 'box-9' is not an enrolled device");
    }

    private async Task ReportAsync(string deviceId, string serving, ModelDeploymentReport? deployment)
    {
        var state = new ReportedState(deviceId, DateTimeOffset.UtcNow, RolloutFleet.Model, serving, new OutboxBacklog(1, 0, 0, null, 0), Deployment: deployment);
        var result = await _hub.Ingest.IngestAsync(new DeviceTopic(deviceId, DeviceChannel.Reported), Topics.Reported(deviceId),
            JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.ReportedState), CancellationToken.None);
        Assert.Equal(IngestStatus.Stored, result.Status);
    }

    private static async Task<JsonElement> ShowAsync(HttpClient client, long id) => await client.GetFromJsonAsync<JsonElement>($"/api/rollouts/{id}");

    private static async Task<List<string>> DeviceIdsAsync(HttpClient client, string selector) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/devices?selector={Uri.EscapeDataString(selector)}"))
        .EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()!).ToList();

    private List<(string Actor, string Action, string Target, string Outcome)> AuditOf(params string[] actions) =>
        _hub.Get<AuditLog>().Page(null, 200).Where(e => actions.Contains(e.Action)).Select(e => (e.Actor, e.Action, e.Target, e.Outcome)).ToList();
}
