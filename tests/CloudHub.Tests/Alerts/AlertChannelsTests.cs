using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Notifications;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeMlops.CloudHub.Tests.Alerts;

/// <summary>
/// A started hub (real broker, real HTTP, its evaluator running every second) with a fed precision reader: the alert
/// reaches a real <c>mosquitto_sub</c> as a retained message, a real webhook receiver signed, the API and the metrics.
/// </summary>
public sealed class AlertChannelsTests : IAsyncLifetime
{
    private const string Secret = "a-webhook-secret-of-some-length";
    private static readonly string Topic = Topics.AlertOf(AlertRules.MeasuredPrecision, "box-1", "night", "vehicle-classifier");
    private readonly TempDirectory _directory = new();
    private readonly FedPrecisionReader _reader = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _directory.Dispose();
    }

    private Task<InProcessHub> StartHubAsync() => InProcessHub.StartAsync(_directory.Path, new Dictionary<string, string?>
    {
        ["Hub:Alerts:EvaluationInterval"] = "00:00:01",
        ["Hub:Notifications:WebhookUrl"] = _receiver.Url,
        ["Hub:Notifications:WebhookSecret"] = Secret,
        ["Hub:Notifications:RetryDelay"] = "00:00:00.050",
    }, services => services.AddSingleton<IPrecisionReader>(_reader));

    private static Task<(int ExitCode, string Output, string Error)> WatchAsync(InProcessHub hub, string user, string token, int seconds = 3) =>
        MosquittoSub.RetainedAsync(hub.Port, ObserverAccess.ClientIdOf(user), user, token, Topics.AllAlerts, seconds);

    private IReadOnlyList<string?> WebhookEvents() => _receiver.Received.Where(r => r.Status == 204).Select(r => r.Event).ToList();

    [Fact]
    public async Task An_alert_is_retained_for_mosquitto_sub_posted_to_the_webhook_survives_a_restart_and_is_cleared_when_resolved()
    {
        string token;
        long id;
        await using (var hub = await StartHubAsync())
        {
            token = hub.AddOperator("watcher", OperatorRole.Viewer);
            _reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
            _reader.Set("box-1", "day", "1", correct: 95, predicted: 100);
            await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Live().Count == 1, "the night camera's alert opens");
            id = hub.Get<AlertStore>().Live()[0].Id;
            await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Get(id)!.PublishedState == AlertStates.Open, "the alert is published");

            var watched = await WatchAsync(hub, "watcher", token);
            var line = Assert.Single(watched.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(Topic + " ", line);
            var message = JsonSerializer.Deserialize(line[(Topic.Length + 1)..], ContractsJsonContext.Default.AlertMessage)!;
            Assert.Equal((id, AlertStates.Open, AlertSeverities.Critical, "1", 100L), (message.Id, message.State, message.Severity, message.ModelVersion, message.Samples));
            Assert.Equal(0.30, message.Figure, 9);

            await Eventually.HoldsAsync(() => WebhookEvents().Count == 1, "the webhook hears of the opening");
            var post = _receiver.Received.Single(r => r.Status == 204);
            Assert.Equal(AlertNotificationKinds.Opened, post.Event);
            Assert.True(WebhookSignature.Verify(Secret, post.Timestamp, post.Body, post.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            using var body = JsonDocument.Parse(post.Body);
            Assert.Equal(id, body.RootElement.GetProperty("detail").GetProperty("alert").GetProperty("id").GetInt64());

            var acknowledged = await hub.ClientAs(OperatorRole.Operator).PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "on it" });
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
            Assert.Contains("\"state\":\"acknowledged\"", (await WatchAsync(hub, "watcher", token)).Output);
        }

        // A new hub over the same database: its embedded broker starts empty and gets the live alert again.
        await using (var hub = await StartHubAsync())
        {
            // The store still says "published" from the last run; only a subscriber can tell the new broker holds it.
            var republished = $"\"id\":{id},\"state\":\"acknowledged\"";
            var watched = "";
            for (var attempt = 0; attempt < 5 && !watched.Contains(republished, StringComparison.Ordinal); attempt++)
                watched = (await WatchAsync(hub, "watcher", token, seconds: 2)).Output;
            Assert.Contains(republished, watched);
            Assert.Single(hub.Get<AlertStore>().List());

            _reader.Set("box-1", "night", "1", correct: 80, predicted: 100);
            await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Get(id)!.PublishedState == "cleared", "the resolved alert's topic is cleared");
            Assert.Equal("", (await WatchAsync(hub, "watcher", token, seconds: 2)).Output.Trim());
            await Eventually.HoldsAsync(() => WebhookEvents().Count == 3, "the webhook hears of the acknowledgement and the resolution");
            Assert.Equal([AlertNotificationKinds.Opened, AlertNotificationKinds.Acknowledged, AlertNotificationKinds.Resolved], WebhookEvents());

            var deliveries = await hub.ClientAs(OperatorRole.Admin).GetFromJsonAsync<JsonElement>("/api/notifications/deliveries");
            Assert.Equal([AlertNotificationKinds.Resolved, AlertNotificationKinds.Acknowledged, AlertNotificationKinds.Opened],
                deliveries.EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
            Assert.All(deliveries.EnumerateArray(), d => Assert.Equal(WebhookDeliveryLog.Delivered, d.GetProperty("state").GetString()));
            Assert.Equal(HttpStatusCode.Forbidden, (await hub.ClientAs(OperatorRole.Viewer).GetAsync("/api/notifications/deliveries")).StatusCode);
        }
    }

    [Fact]
    public async Task Observers_need_their_own_token_and_client_id_and_see_alerts_only()
    {
        await using var hub = await StartHubAsync();
        var token = hub.AddOperator("watcher", OperatorRole.Viewer);
        _reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Live() is [{ PublishedState: AlertStates.Open }], "the alert is published");

        var wrongToken = await WatchAsync(hub, "watcher", "not-the-token");
        Assert.NotEqual(0, wrongToken.ExitCode);
        Assert.Equal("", wrongToken.Output);
        var borrowedId = await MosquittoSub.RetainedAsync(hub.Port, ObserverAccess.ClientIdOf("someone-else"), "watcher", token, Topics.AllAlerts);
        Assert.NotEqual(0, borrowedId.ExitCode);
        // A device's credential does not open the alerts, and an observer cannot read a device's topics.
        var secret = hub.Enroll("box-1");
        Assert.Equal("", (await MosquittoSub.RetainedAsync(hub.Port, "box-1", "box-1", secret, Topics.AllAlerts)).Output);
        Assert.Equal("", (await MosquittoSub.RetainedAsync(hub.Port, ObserverAccess.ClientIdOf("watcher"), "watcher", token, "edgemlops/v1/devices/box-1/desired")).Output);
        Assert.Contains(Topic, (await WatchAsync(hub, "watcher", token)).Output);
    }

    [Fact]
    public async Task The_api_lists_and_shows_alerts_to_viewers_and_only_operators_change_them_audited_by_name()
    {
        await using var hub = await StartHubAsync();
        _reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Live().Count == 1, "the alert opens");
        var id = hub.Get<AlertStore>().Live()[0].Id;
        var viewer = hub.ClientAs(OperatorRole.Viewer);

        var listed = await viewer.GetFromJsonAsync<JsonElement>("/api/alerts?state=open&severity=critical&device=box-1");
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("alert").GetProperty("id").GetInt64());
        Assert.Empty((await viewer.GetFromJsonAsync<JsonElement>("/api/alerts?severity=warning")).EnumerateArray());
        await ProblemResponse.AssertAsync(await viewer.GetAsync("/api/alerts?state=closed"), HttpStatusCode.BadRequest);
        await ProblemResponse.AssertAsync(await viewer.GetAsync("/api/alerts/999"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "me" })).StatusCode);
        var operatorClient = hub.ClientAs(OperatorRole.Operator);
        await ProblemResponse.AssertAsync(await operatorClient.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { note = "" }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/alerts/{id}/acknowledge", null)).StatusCode);
        await ProblemResponse.AssertAsync(await operatorClient.PostAsync($"/api/alerts/{id}/acknowledge", null), HttpStatusCode.Conflict);
        var resolved = await operatorClient.PostAsJsonAsync($"/api/alerts/{id}/resolve", new { note = "lens cleaned" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);

        var shown = await viewer.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        Assert.Equal(("resolved", "operator", "lens cleaned"),
            (shown.GetProperty("alert").GetProperty("state").GetString(), shown.GetProperty("stateBy").GetString(), shown.GetProperty("note").GetString()));
        Assert.Equal([("opened", "rule"), ("acknowledged", "operator"), ("resolved", "operator")],
            shown.GetProperty("history").EnumerateArray().Select(e => (e.GetProperty("transition").GetString(), e.GetProperty("actor").GetString())));
        var audit = hub.Get<AuditLog>().Page(null, 20).Where(e => e.Action.StartsWith("alert.", StringComparison.Ordinal)).ToList();
        Assert.Equal([(AlertAuditActions.Resolve, "ok"), (AlertAuditActions.Acknowledge, $"refused: alert {id} is acknowledged; it must be open to acknowledge"),
                (AlertAuditActions.Acknowledge, "ok"), (AlertAuditActions.Resolve, "refused: note: resolving by hand needs a note saying why (the rule resolves by itself once the figure recovers)")],
            audit.Select(e => (e.Action, e.Outcome)));
        Assert.All(audit, e => Assert.Equal("operator", e.Actor));
    }

    [Fact]
    public async Task Metrics_count_live_alerts_by_severity_and_rule()
    {
        await using var hub = await StartHubAsync();
        _reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        _reader.Set("box-1", "fog", "1", correct: 20, predicted: 100, source: PrecisionSources.Estimated);
        await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Live().Count == 2, "both alerts open");

        var metrics = await hub.ClientAs(OperatorRole.Viewer).GetStringAsync("/metrics");

        Assert.Contains("edgemlops_alerts_open{severity=\"critical\",rule=\"measured-precision\"} 1", metrics);
        Assert.Contains("edgemlops_alerts_open{severity=\"warning\",rule=\"estimated-precision\"} 1", metrics);
        Assert.Contains("edgemlops_alerts_open{severity=\"warning\",rule=\"drift\"} 0", metrics);
        Assert.Contains("edgemlops_alert_figure{rule=\"measured-precision\",device=\"box-1\",camera=\"night\",model=\"vehicle-classifier\",state=\"open\"} 0.3", metrics);
    }
}
