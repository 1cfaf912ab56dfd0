using System.Text.Json;
using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Api;

/// <summary>
/// The hub's HTTP API under <c>/api</c>: devices (enrol, revoke, status, backlog), their events, stats and samples with
/// keyset paging, the ingest counters, operators and the audit log. Every route needs an operator token (viewer to read, admin to change). Errors are RFC 7807 problem details; times are ISO 8601 both ways.
/// </summary>
public static class HubApiEndpoints
{
    /// <summary>Maps the API. Needs <c>AddHubStorage</c>, <c>AddHubDevices</c>, <c>AddHubIngest</c> and <c>AddHubApi</c>.</summary>
    public static IEndpointRouteBuilder MapHubApi(this IEndpointRouteBuilder app)
    {
        // Reading needs a viewer; every change needs an admin and lands in the audit log with the operator's name.
        var api = app.MapGroup("/api").RequireAuthorization(OperatorPolicies.Read);
        api.MapGet("/devices", DeviceTagEndpoints.ListDevices);
        api.MapDeviceTags();
        api.MapRollouts();
        api.MapPrecision();
        api.MapAlerts();
        api.MapNotificationDeliveries();
        api.MapGet("/devices/{deviceId}", GetDevice);
        api.MapPost("/devices", EnrollAsync).RequireAuthorization(OperatorPolicies.Administer);
        api.MapDelete("/devices/{deviceId}", Revoke).RequireAuthorization(OperatorPolicies.Administer);
        api.MapGet("/devices/{deviceId}/events", (string deviceId, HttpRequest request, HubReadStore store) =>
            List(deviceId, request, store, store.Events, EventView.From));
        api.MapGet("/devices/{deviceId}/stats", (string deviceId, HttpRequest request, HubReadStore store) =>
            List(deviceId, request, store, store.Stats, StatsView.From));
        api.MapGet("/devices/{deviceId}/samples", (string deviceId, HttpRequest request, HubReadStore store) =>
            List(deviceId, request, store, store.Samples, SampleView.From));
        api.MapGet("/devices/{deviceId}/samples/{epoch:long}/{seq:long}/image", GetSampleImage);
        api.MapGet("/ingest", (IngestMetrics metrics, RejectionLog rejections) =>
            TypedResults.Ok(new IngestView(metrics.Snapshot(), rejections.Recent())));
        // Admin only: the log names every operator and what each did to which device, a map for whoever holds a leaked read token.
        api.MapGet("/audit", ListAudit).RequireAuthorization(OperatorPolicies.Administer);
        var operators = api.MapGroup("/operators").RequireAuthorization(OperatorPolicies.Administer);
        operators.MapGet("", (OperatorRegistry registry) => TypedResults.Ok(registry.List().Select(OperatorView.From).ToList()));
        operators.MapPost("", AddOperatorAsync);
        operators.MapDelete("/{name}", RevokeOperator);
        app.MapRegistry();
        api.MapCloneEvidence();
        api.MapReview();
        return app;
    }

    private static IResult GetDevice(string deviceId, HubReadStore store, CloneEvidence clones)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            return ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}");
        return store.Device(deviceId) is { } row
            ? TypedResults.Ok(WithConditions(DeviceView.From(row), clones.Condition(deviceId) is not null))
            : ApiProblems.UnknownDevice(deviceId);
    }

    internal static DeviceView WithConditions(DeviceView view, bool cloned) =>
        cloned ? view with { Conditions = [CloneEvidence.ConditionName] } : view;

    private static async Task<IResult> EnrollAsync(HttpRequest request, IDeviceRegistry registry, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, badBody) = await ReadBodyAsync<EnrollRequest>(request, """{"deviceId": "box-1"}""", cancellationToken);
        if (badBody is not null)
            return badBody;
        var deviceId = body?.DeviceId;
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            return ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}");
        var rotate = false;
        if (request.Query.TryGetValue("rotate", out var rotateValue) && !bool.TryParse(rotateValue.ToString(), out rotate))
            return ApiProblems.BadParameter("rotate", $"'{rotateValue}' is not true or false");
        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        if (!rotate && registry.IsEnrolled(deviceId!))
        {
            audit.Record(actor, AuditActions.DeviceEnroll, deviceId!, AuditActions.AlreadyEnrolled);
            return ApiProblems.Conflict("Already enrolled",
                $"device '{deviceId}' is already enrolled; use ?rotate=true to issue a new secret (its current secret stops working)");
        }
        var rekey = rotate && registry.IsEnrolled(deviceId!);
        var enrollment = registry.Enroll(deviceId!);
        audit.Record(actor, rekey ? AuditActions.DeviceRotate : AuditActions.DeviceEnroll, deviceId!, AuditActions.Done);
        return TypedResults.Created($"/api/devices/{Uri.EscapeDataString(enrollment.DeviceId)}",
            new EnrollmentView(enrollment.DeviceId, enrollment.Secret, enrollment.EnrolledAt));
    }

    private static IResult Revoke(string deviceId, IDeviceRegistry registry, AuditLog audit, HttpContext context)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            return ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}");
        var revoked = registry.Revoke(deviceId);
        audit.Record(OperatorClaims.NameOf(context.User), AuditActions.DeviceRevoke, deviceId, revoked ? AuditActions.Done : AuditActions.NotEnrolled);
        return revoked
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("Not enrolled", $"device '{deviceId}' is not enrolled");
    }

    private static async Task<IResult> AddOperatorAsync(HttpRequest request, OperatorRegistry registry, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, badBody) = await ReadBodyAsync<OperatorRequest>(request, """{"name": "alice", "role": "viewer"}""", cancellationToken);
        if (badBody is not null)
            return badBody;
        if (OperatorRegistry.FindNameProblem(body?.Name) is { } problem)
            return ApiProblems.BadParameter("name", $"'{body?.Name}' is not a valid operator name: {problem}");
        if (!OperatorRoles.TryParse(body!.Role, out var role))
            return ApiProblems.BadParameter("role", $"role must be one of {OperatorRoles.Names}, got '{body.Role}'");
        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        if (!registry.TryAdd(body.Name!, role, out var token))
        {
            audit.Record(actor, AuditActions.OperatorAdd, body.Name!, AuditActions.NameTaken);
            return ApiProblems.Conflict("Operator exists", $"operator '{body.Name}' exists; revoke it first to give the name a new token");
        }
        audit.Record(actor, AuditActions.OperatorAdd, body.Name!, $"{AuditActions.Done}: {role.Name()}");
        return TypedResults.Created($"/api/operators/{Uri.EscapeDataString(body.Name!)}", new OperatorTokenView(body.Name!, role.Name(), token));
    }

    private static IResult RevokeOperator(string name, OperatorRegistry registry, AuditLog audit, HttpContext context)
    {
        if (OperatorRegistry.FindNameProblem(name) is { } problem)
            return ApiProblems.BadParameter("name", $"'{name}' is not a valid operator name: {problem}");
        var revoked = registry.Revoke(name);
        audit.Record(OperatorClaims.NameOf(context.User), AuditActions.OperatorRevoke, name, revoked ? AuditActions.Done : AuditActions.UnknownOperator);
        return revoked ? TypedResults.NoContent() : ApiProblems.NotFound("Unknown operator", $"'{name}' is not an active operator");
    }

    /// <summary>The JSON body, or a 400 showing <paramref name="example"/> when it is not JSON of that shape.</summary>
    internal static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
    {
        try
        {
            return (await request.ReadFromJsonAsync<T>(cancellationToken), null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: not a JSON content type.
            return (default, ApiProblems.BadParameter("body", $"the body must be JSON such as {example}: {e.Message}"));
        }
    }

    private static IResult ListAudit(HttpRequest request, AuditLog audit)
    {
        if (!AuditListRequest.TryRead(request.Query, out var before, out var limit, out var problem))
            return problem!;
        var rows = audit.Page(before, limit + 1);
        var items = rows.Take(limit).ToList();
        var next = rows.Count > limit ? PageCursor.EncodeId(items[^1].Id) : null;
        return TypedResults.Ok(new PageView<AuditEntry>(items, next));
    }

    private static IResult List<TRow, TView>(string deviceId, HttpRequest request, HubReadStore store,
        Func<RecordQuery, IReadOnlyList<TRow>> page, Func<TRow, TView> view) where TRow : RecordRow
    {
        if (!RecordListRequest.TryRead(deviceId, request.Query, out var query, out var problem))
            return problem!;
        if (store.Device(deviceId) is null)
            return ApiProblems.UnknownDevice(deviceId);
        // One row more than asked tells whether another page exists, so the last page says so instead of an empty one.
        var rows = page(query with { Limit = query.Limit + 1 });
        var items = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit ? PageCursor.Encode(items[^1].Key) : null;
        return TypedResults.Ok(new PageView<TView>(items.Select(view).ToList(), next));
    }

    private static IResult GetSampleImage(string deviceId, long epoch, long seq, HubReadStore store, SampleFiles files)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            return ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}");
        if (store.Sample(deviceId, epoch, seq) is not { } sample)
            return store.Device(deviceId) is null
                ? ApiProblems.UnknownDevice(deviceId)
                : ApiProblems.NotFound("Unknown sample", $"device '{deviceId}' has no sample at epoch {epoch}, seq {seq}");
        var path = files.FullPath(sample.ImagePath);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, "image/jpeg")
            : ApiProblems.NotFound("Image missing", $"the image of sample {epoch}/{seq} of device '{deviceId}' is no longer on disk");
    }
}
