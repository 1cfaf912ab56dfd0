using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Operators;

/// <summary>The API behind operator tokens, in a started in-process hub: who gets in, who may change what, and what is recorded.</summary>
public sealed class OperatorAuthTests : IAsyncLifetime
{
    private InProcessHub _hub = null!;

    public async Task InitializeAsync() => _hub = await InProcessHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Without_a_token_every_route_but_healthz_is_401_saying_no_token()
    {
        Assert.Equal(HttpStatusCode.OK, (await _hub.Client.GetAsync("/healthz")).StatusCode);
        foreach (var path in new[] { "/api/devices", "/api/ingest", "/api/audit", "/metrics", "/api/devices/box-1/events" })
        {
            var problem = await ProblemAsync(await _hub.Client.GetAsync(path), HttpStatusCode.Unauthorized);
            Assert.Contains("no token", problem);
        }
    }

    [Fact]
    public async Task An_unknown_token_and_a_revoked_one_are_401_at_once()
    {
        var token = _hub.AddOperator("carol", OperatorRole.Viewer);
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/devices")).StatusCode);

        _hub.Get<OperatorRegistry>().Revoke("carol");

        Assert.Contains("unknown or revoked", await ProblemAsync(await client.GetAsync("/api/devices"), HttpStatusCode.Unauthorized));
        using var stranger = WithToken(OperatorTokens.Create());
        Assert.Contains("unknown or revoked", await ProblemAsync(await stranger.GetAsync("/api/devices"), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_viewer_reads_but_changes_are_403_naming_the_role_needed_and_held()
    {
        var viewer = _hub.ClientAs(OperatorRole.Viewer);
        _hub.Enroll("box-1");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/devices/box-1")).StatusCode);
        var enroll = await ProblemAsync(await viewer.PostAsJsonAsync("/api/devices", new { deviceId = "box-2" }), HttpStatusCode.Forbidden);
        Assert.Contains("role admin needed, you have viewer", enroll);
        await ProblemAsync(await viewer.DeleteAsync("/api/devices/box-1"), HttpStatusCode.Forbidden);
        await ProblemAsync(await viewer.GetAsync("/api/audit"), HttpStatusCode.Forbidden);
        var asOperator = await ProblemAsync(await _hub.ClientAs(OperatorRole.Operator).DeleteAsync("/api/devices/box-1"), HttpStatusCode.Forbidden);
        Assert.Contains("role admin needed, you have operator", asOperator);
        Assert.True(_hub.Registry.IsEnrolled("box-1"));
    }

    [Fact]
    public async Task A_403_is_in_the_audit_log_as_refused_role_with_the_operator_method_and_path()
    {
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);
        _hub.Enroll("box-1");

        await ProblemAsync(await operatorClient.DeleteAsync("/api/devices/box-1"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/api/devices/box-1")).StatusCode);

        var entry = Assert.Single(_hub.Get<AuditLog>().Page(null, 10));
        Assert.Equal(("operator", AuditActions.ApiRequest, "DELETE /api/devices/box-1", AuditActions.RefusedRole),
            (entry.Actor, entry.Action, entry.Target, entry.Outcome));
    }

    [Fact]
    public async Task Every_change_an_admin_makes_is_in_the_audit_log_with_its_name_newest_first_in_pages()
    {
        var admin = _hub.ClientAs(OperatorRole.Admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/devices", new { deviceId = "box-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/devices", new { deviceId = "box-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/devices?rotate=true", new { deviceId = "box-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/devices/box-1")).StatusCode);

        var first = await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=3");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?limit=3&cursor={cursor}");
        var entries = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("target").GetString(), e.GetProperty("outcome").GetString()))
            .ToList();

        Assert.Equal(
        [
            ("admin", AuditActions.DeviceRevoke, "box-1", AuditActions.Done),
            ("admin", AuditActions.DeviceRotate, "box-1", AuditActions.Done),
            ("admin", AuditActions.DeviceEnroll, "box-1", AuditActions.AlreadyEnrolled),
            ("admin", AuditActions.DeviceEnroll, "box-1", AuditActions.Done),
        ], entries);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        await ProblemAsync(await admin.GetAsync("/api/audit?cursor=nonsense"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_admin_adds_and_revokes_operators_through_the_api_and_a_viewer_cannot()
    {
        var admin = _hub.ClientAs(OperatorRole.Admin);
        await ProblemAsync(await _hub.ClientAs(OperatorRole.Viewer).GetAsync("/api/operators"), HttpStatusCode.Forbidden);

        var added = await admin.PostAsJsonAsync("/api/operators", new { name = "dave", role = "operator" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var token = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var dave = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync("/api/devices")).StatusCode);
        Assert.Contains("you have operator", await ProblemAsync(await dave.GetAsync("/api/operators"), HttpStatusCode.Forbidden));
        Assert.DoesNotContain(token, await admin.GetStringAsync("/api/operators"));
        await ProblemAsync(await admin.PostAsJsonAsync("/api/operators", new { name = "dave", role = "viewer" }), HttpStatusCode.Conflict);
        await ProblemAsync(await admin.PostAsJsonAsync("/api/operators", new { name = "eve", role = "root" }), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/operators/dave")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dave.GetAsync("/api/devices")).StatusCode);
        await ProblemAsync(await admin.DeleteAsync("/api/operators/dave"), HttpStatusCode.NotFound);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => $"{e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("outcome").GetString()}");
        Assert.Equal(
        [
            "admin operator.revoke dave refused: no such operator",
            "admin operator.revoke dave ok",
            "admin operator.add dave refused: name taken",
            "dave api.request GET /api/operators refused: role",
            "admin operator.add dave ok: operator",
            "viewer api.request GET /api/operators refused: role",
        ], actions);
    }

    [Fact]
    public async Task A_forged_host_header_is_400_naming_the_option_even_with_a_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/devices");
        request.Headers.Host = "rebound.attacker.example";

        var problem = await ProblemAsync(await _hub.ClientAs(OperatorRole.Admin).SendAsync(request), HttpStatusCode.BadRequest);

        Assert.Contains("Hub:Http:AllowedHosts", problem);
        Assert.Contains("rebound.attacker.example", problem);
    }

    [Fact]
    public async Task A_host_listed_in_the_option_is_served()
    {
        await using var hub = await InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Http:AllowedHosts"] = "hub.example;localhost" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "hub.example";

        Assert.Equal(HttpStatusCode.OK, (await hub.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_without_a_token_only_when_configured_open()
    {
        await using var open = await InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Http:OpenMetrics"] = "true" });

        Assert.Equal(HttpStatusCode.OK, (await open.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.Client.GetAsync("/api/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client.GetAsync("/metrics")).StatusCode);
    }

    private HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = _hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status) => ProblemResponse.DetailAsync(response, status);
}
