using System.Text.Json;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// The API of the <c>cloned-device</c> condition: what the evidence says (viewer), and the way out (operator, audited):
/// clear the condition and, once the clone has its own identity (enrolled anew; the original re-keyed with
/// <c>?rotate=true</c>), tell the box left under this id to start a new outbox epoch so its records stop colliding.
/// </summary>
public static class CloneEvidenceEndpoints
{
    /// <summary>The most conflicting records one request lists.</summary>
    public const int MaxConflicts = 1_000;

    private const string ClearExample = """{"startNewEpoch": true} or {"newEpochAfter": 123456789}""";

    /// <summary>Maps <c>GET /devices/{id}/conflicts</c> and <c>POST /devices/{id}/conflicts/clear</c> on <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapCloneEvidence(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{deviceId}/conflicts", GetConflicts);
        api.MapPost("/devices/{deviceId}/conflicts/clear", ClearAsync).RequireAuthorization(OperatorPolicies.Operate);
        return api;
    }

    private static IResult GetConflicts(string deviceId, HttpRequest request, IDeviceRegistry registry, CloneEvidence evidence)
    {
        if (CheckDevice(deviceId, registry) is { } problem)
            return problem;
        var limit = 100;
        if (request.Query.TryGetValue("limit", out var limitValue)
            && (!int.TryParse(limitValue.ToString(), out limit) || limit < 1 || limit > MaxConflicts))
            return ApiProblems.BadParameter("limit", $"'{limitValue}' is not a whole number from 1 to {MaxConflicts}");
        return TypedResults.Ok(new CloneEvidenceView(deviceId, evidence.Condition(deviceId), evidence.Conflicts(deviceId, limit)));
    }

    private static async Task<IResult> ClearAsync(
        string deviceId, HttpRequest request, IDeviceRegistry registry, CloneEvidence evidence, DesiredStateBook desired, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (CheckDevice(deviceId, registry) is { } problem)
            return problem;
        ClearConditionRequest? body;
        try
        {
            body = request.ContentLength is 0 ? null : await request.ReadFromJsonAsync<ClearConditionRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ApiProblems.BadParameter("body", $"the body must be empty or JSON such as {ClearExample}: {e.Message}");
        }
        if (body?.NewEpochAfter is <= 0)
            return ApiProblems.BadParameter("newEpochAfter", $"{body.NewEpochAfter} is not a positive epoch");
        var leaving = body?.NewEpochAfter;
        if (leaving is null && body?.StartNewEpoch == true)
        {
            if (evidence.Conflicts(deviceId, 1) is not [var newest])
                return ApiProblems.BadParameter("startNewEpoch",
                    $"device '{deviceId}' has no conflicting records to take the epoch from; name it with newEpochAfter (the device view shows the backlog's epoch)");
            leaving = newest.Epoch;
        }

        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        if (!evidence.Clear(deviceId, actor, leaving))
        {
            audit.Record(actor, AuditActions.DeviceConditionClear, deviceId, AuditActions.NoCondition);
            return ApiProblems.NotFound("No condition", $"device '{deviceId}' has no {CloneEvidence.ConditionName} condition raised");
        }
        if (leaving is { } epoch)
            await desired.SetPropertyAsync(deviceId, DesiredOutbox.PropertyName, new DesiredOutbox(epoch).ToProperty(), cancellationToken).ConfigureAwait(false);
        audit.Record(actor, AuditActions.DeviceConditionClear, deviceId,
            leaving is { } left ? $"{AuditActions.Done}: new epoch after {left}" : AuditActions.Done);
        return TypedResults.Ok(new ClearedView(deviceId, CloneEvidence.ConditionName, leaving));
    }

    private static IResult? CheckDevice(string deviceId, IDeviceRegistry registry)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            return ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}");
        return registry.IsEnrolled(deviceId) ? null : ApiProblems.UnknownDevice(deviceId);
    }

    private sealed record ClearConditionRequest(bool? StartNewEpoch, long? NewEpochAfter);
}

/// <summary>A device's clone evidence: the raised condition (null when none) and the newest conflicting records.</summary>
public sealed record CloneEvidenceView(string DeviceId, CloneCondition? Condition, IReadOnlyList<RecordConflictEvidence> Conflicts);

/// <summary>A cleared condition, and the epoch the device was told to leave (null: none).</summary>
public sealed record ClearedView(string DeviceId, string Condition, long? NewEpochAfter);
