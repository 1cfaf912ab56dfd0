using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// Device tags over the API: <c>GET /api/devices/{id}/tags</c> (viewer), <c>PUT</c> (body: the value as a JSON string) and
/// <c>DELETE /api/devices/{id}/tags/{key}</c> (operator, audited), and the device list filtered by <c>?selector=</c>.
/// </summary>
public static class DeviceTagEndpoints
{
    public static RouteGroupBuilder MapDeviceTags(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{deviceId}/tags", (string deviceId, HubReadStore store, DeviceTags tags) =>
            store.Device(deviceId) is null ? ApiProblems.UnknownDevice(deviceId) : TypedResults.Ok(tags.Of(deviceId)));
        api.MapPut("/devices/{deviceId}/tags/{key}", SetAsync).RequireAuthorization(OperatorPolicies.Operate);
        api.MapDelete("/devices/{deviceId}/tags/{key}", Remove).RequireAuthorization(OperatorPolicies.Operate);
        return api;
    }

    /// <summary><c>GET /api/devices[?selector=site=north,camera!=tunnel]</c>: every device, or those whose tags match.</summary>
    public static IResult ListDevices(string? selector, HubReadStore store, DeviceTags tags, CloneEvidence clones)
    {
        var devices = store.Devices();
        var cloned = clones.Raised().Select(c => c.DeviceId).ToHashSet(StringComparer.Ordinal);
        DeviceView View(DeviceRow row) => HubApiEndpoints.WithConditions(DeviceView.From(row), cloned.Contains(row.Id));
        if (selector is null)
            return TypedResults.Ok(devices.Select(View).ToList());
        if (!TagSelector.TryParse(selector, out var parsed, out var problem))
            return ApiProblems.BadParameter("selector", problem);
        var all = tags.All();
        var none = new Dictionary<string, string>();
        return TypedResults.Ok(devices.Where(d => parsed.Matches(all.GetValueOrDefault(d.Id) ?? none)).Select(View).ToList());
    }

    private static async Task<IResult> SetAsync(string deviceId, string key, HttpRequest request, HubReadStore store, DeviceTags tags, AuditLog audit,
        CancellationToken cancellationToken)
    {
        string? value;
        try
        {
            value = await request.ReadFromJsonAsync<string>(cancellationToken);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return ApiProblems.BadParameter("body", $"the body must be the tag's value as a JSON string, such as \"north\": {e.Message}");
        }
        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        var target = $"{deviceId}/{key}";
        if (Check(deviceId, key, store) is { } bad)
        {
            audit.Record(actor, RolloutAuditActions.TagSet, target, "refused: bad device or key");
            return bad;
        }
        if (DeviceTags.FindValueProblem(value) is { } valueProblem)
        {
            audit.Record(actor, RolloutAuditActions.TagSet, target, $"refused: {valueProblem}");
            return ApiProblems.BadParameter("value", valueProblem);
        }
        tags.Set(deviceId, key, value!);
        audit.Record(actor, RolloutAuditActions.TagSet, target, $"{AuditActions.Done}: {key}={value}");
        return TypedResults.Ok(tags.Of(deviceId));
    }

    private static IResult Remove(string deviceId, string key, HubReadStore store, DeviceTags tags, AuditLog audit, HttpContext context)
    {
        var actor = OperatorClaims.NameOf(context.User);
        var target = $"{deviceId}/{key}";
        if (Check(deviceId, key, store) is { } bad)
        {
            audit.Record(actor, RolloutAuditActions.TagRemove, target, "refused: bad device or key");
            return bad;
        }
        var removed = tags.Remove(deviceId, key);
        audit.Record(actor, RolloutAuditActions.TagRemove, target, removed ? AuditActions.Done : "refused: no such tag");
        return removed ? TypedResults.NoContent() : ApiProblems.NotFound("Unknown tag", $"device '{deviceId}' has no tag '{key}'");
    }

    private static IResult? Check(string deviceId, string key, HubReadStore store) =>
        DeviceIds.FindProblem(deviceId) is { } idProblem ? ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {idProblem}")
        : DeviceTags.FindKeyProblem(key) is { } keyProblem ? ApiProblems.BadParameter("key", keyProblem)
        : store.Device(deviceId) is null ? ApiProblems.UnknownDevice(deviceId)
        : null;
}
