using System.Text.Json;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>
/// <c>/api/rollouts</c>: list and show (viewer), create, promote, pause, resume, abort, rollback (operator, audited with
/// the operator's name and the outcome, refusals included).
/// </summary>
public static class RolloutEndpoints
{
    /// <summary>Maps the rollout routes onto <paramref name="api"/> (the <c>/api</c> group, which already needs a viewer).</summary>
    public static RouteGroupBuilder MapRollouts(this RouteGroupBuilder api)
    {
        var rollouts = api.MapGroup("/rollouts");
        rollouts.MapGet("", (RolloutStore store) =>
            TypedResults.Ok(store.List().Select(row => RolloutView.From(row, store.Devices(row.Id), withDevices: false)).ToList()));
        rollouts.MapGet("/{id:long}", (long id, RolloutStore store) => store.Get(id) is { } row
            ? TypedResults.Ok(RolloutView.From(row, store.Devices(id), withDevices: true))
            : Unknown(id));
        rollouts.MapPost("", CreateAsync).RequireAuthorization(OperatorPolicies.Operate);
        foreach (var action in Enum.GetValues<RolloutAction>())
            MapAction(rollouts, action);
        return api;
    }

    private static void MapAction(RouteGroupBuilder rollouts, RolloutAction action) =>
        rollouts.MapPost($"/{{id:long}}/{action.Verb()}", async (long id, RolloutEngine engine, RolloutStore store, AuditLog audit, HttpContext context, CancellationToken cancellationToken) =>
        {
            var problem = await engine.ApplyAsync(id, action, cancellationToken);
            audit.Record(OperatorClaims.NameOf(context.User), action.AuditName(), RolloutStore.IdText(id), problem is null ? AuditActions.Done : $"refused: {problem}");
            if (problem is null)
                return TypedResults.Ok(RolloutView.From(store.Get(id)!, store.Devices(id), withDevices: false));
            return problem == RolloutActions.UnknownRollout(id) ? Unknown(id) : ApiProblems.Conflict($"Cannot {action.Verb()}", problem);
        }).RequireAuthorization(OperatorPolicies.Operate);

    private static async Task<IResult> CreateAsync(HttpRequest request, RolloutStore store, IOptions<RolloutOptions> options, Registry.IModelCatalog catalog,
        Devices.IDeviceRegistry registry, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        RolloutRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<RolloutRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ApiProblems.BadParameter("body",
                $$"""the body must be JSON such as {"model": "vehicle-classifier", "version": "production", "selector": "site=north", "canary": 1}: {{e.Message}}""");
        }
        var (plan, problem) = (body ?? new RolloutRequest(null, null)).ToPlan(options.Value);
        if (plan is not null && catalog.Resolve(plan.Model, plan.Requested) is null)
            problem = $"version: model '{plan.Model}' has no registered version or alias '{plan.Requested}'";
        else if (plan?.FindUnenrolled(registry.IsEnrolled) is { } unenrolled)
            problem = unenrolled;
        if (plan is null || problem is not null)
        {
            audit.Record(actor, RolloutAuditActions.Create, body?.Model ?? "?", $"refused: {problem}");
            var parameter = problem!.Split(':')[0];
            return ApiProblems.BadParameter(parameter, problem);
        }
        var id = store.Create(plan, actor, time.GetUtcNow());
        audit.Record(actor, RolloutAuditActions.Create, RolloutStore.IdText(id), $"{AuditActions.Done}: {plan.Model} {plan.Requested}");
        return TypedResults.Created($"/api/rollouts/{id}", RolloutView.From(store.Get(id)!, [], withDevices: true));
    }

    private static IResult Unknown(long id) => ApiProblems.NotFound("Unknown rollout", RolloutActions.UnknownRollout(id));
}

/// <summary>The audit log's names for rollout creation and tag changes (the other rollout changes: <see cref="RolloutActions.AuditName"/>).</summary>
public static class RolloutAuditActions
{
    public const string Create = "rollout.create";
    public const string TagSet = "device.tag";
    public const string TagRemove = "device.untag";
}
