using System.Text.Json;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// <c>/api/alerts</c>: list (filters <c>state</c>, <c>device</c>, <c>severity</c>) and show with history (viewer);
/// acknowledge and resolve with a note (operator, audited with the operator's name, refusals too). A change goes out on
/// the channels (retained message, webhook) before the answer.
/// </summary>
public static class AlertEndpoints
{
    /// <summary>Maps the alert routes onto <paramref name="api"/> (the <c>/api</c> group, which already needs a viewer).</summary>
    public static RouteGroupBuilder MapAlerts(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts");
        alerts.MapGet("", List);
        alerts.MapGet("/{id:long}", (long id, AlertStore store) => store.Get(id) is { } row
            ? TypedResults.Ok(AlertView.From(row, store.History(id)))
            : Unknown(id));
        foreach (var action in Enum.GetValues<AlertAction>())
            MapAction(alerts, action);
        return api;
    }

    private static IResult List(HttpRequest request, AlertStore store)
    {
        var state = request.Query["state"].ToString() is { Length: > 0 } s ? s : null;
        var device = request.Query["device"].ToString() is { Length: > 0 } d ? d : null;
        var severity = request.Query["severity"].ToString() is { Length: > 0 } v ? v : null;
        if (state is not null && !AlertStates.All.Contains(state))
            return ApiProblems.BadParameter("state", $"'{state}' is not one of {string.Join(", ", AlertStates.All)}");
        if (severity is not null && !AlertSeverities.All.Contains(severity))
            return ApiProblems.BadParameter("severity", $"'{severity}' is not one of {string.Join(", ", AlertSeverities.All)}");
        if (device is not null && DeviceIds.FindProblem(device) is { } problem)
            return ApiProblems.BadParameter("device", $"'{device}' is not a valid device id: {problem}");
        return TypedResults.Ok(store.List(state, device, severity).Select(row => AlertView.From(row)).ToList());
    }

    private static void MapAction(RouteGroupBuilder alerts, AlertAction action) =>
        alerts.MapPost($"/{{id:long}}/{action.Verb()}", async (long id, HttpRequest request, AlertStore store, AlertChannels channels, AuditLog audit,
            TimeProvider time, CancellationToken cancellationToken) =>
        {
            AlertActionRequest? body = null;
            if (request.ContentLength is not 0)
            {
                try
                {
                    body = await request.ReadFromJsonAsync<AlertActionRequest>(cancellationToken);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    return ApiProblems.BadParameter("body", $$"""the body must be JSON such as {"note": "camera 3 lens cleaned"}: {{e.Message}}""");
                }
            }
            var actor = OperatorClaims.NameOf(request.HttpContext.User);
            var problem = AlertActions.Apply(store, audit, id, action, actor, body?.Note, time.GetUtcNow());
            if (problem == AlertActions.UnknownAlert(id))
                return Unknown(id);
            if (problem is not null)
                return problem.StartsWith("note:", StringComparison.Ordinal)
                    ? ApiProblems.BadParameter("note", problem)
                    : ApiProblems.Conflict($"Cannot {action.Verb()}", problem);
            await channels.FlushAsync(all: false, cancellationToken);
            return TypedResults.Ok(AlertView.From(store.Get(id)!, store.History(id)));
        }).RequireAuthorization(OperatorPolicies.Operate);

    private static IResult Unknown(long id) => ApiProblems.NotFound("Unknown alert", AlertActions.UnknownAlert(id));
}
