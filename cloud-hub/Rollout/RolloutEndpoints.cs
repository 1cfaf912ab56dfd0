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
        MapAction(rollouts, "promote", RolloutAuditActions.Promote, (engine, id, token) => engine.PromoteAsync(id, token));
        MapAction(rollouts, "pause", RolloutAuditActions.Pause, (engine, id, token) => engine.PauseAsync(id, token));
        MapAction(rollouts, "resume", RolloutAuditActions.Resume, (engine, id, token) => engine.ResumeAsync(id, token));
        MapAction(rollouts, "abort", RolloutAuditActions.Abort, (engine, id, token) => engine.AbortAsync(id, token));
        MapAction(rollouts, "rollback", RolloutAuditActions.Rollback, (engine, id, token) => engine.RollbackAsync(id, token));
        return api;
    }

    private static void MapAction(RouteGroupBuilder rollouts, string verb, string action, Func<RolloutEngine, long, CancellationToken, Task<string?>> act) =>
        rollouts.MapPost($"/{{id:long}}/{verb}", async (long id, RolloutEngine engine, RolloutStore store, AuditLog audit, HttpContext context, CancellationToken cancellationToken) =>
        {
            var problem = await act(engine, id, cancellationToken);
            audit.Record(OperatorClaims.NameOf(context.User), action, RolloutStore.IdText(id), problem is null ? AuditActions.Done : $"refused: {problem}");
            if (problem is null)
                return TypedResults.Ok(RolloutView.From(store.Get(id)!, store.Devices(id), withDevices: false));
            return problem == RolloutEngine.UnknownRollout(id) ? Unknown(id) : ApiProblems.Conflict($"Cannot {verb}", problem);
        }).RequireAuthorization(OperatorPolicies.Operate);

    private static async Task<IResult> CreateAsync(HttpRequest request, RolloutStore store, IOptions<RolloutOptions> options, Registry.IModelCatalog catalog,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
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

    private static IResult Unknown(long id) => ApiProblems.NotFound("Unknown rollout", RolloutEngine.UnknownRollout(id));
}

/// <summary>The audit log's names for rollout and tag changes.</summary>
public static class RolloutAuditActions
{
    public const string Create = "rollout.create";
    public const string Promote = "rollout.promote";
    public const string Pause = "rollout.pause";
    public const string Resume = "rollout.resume";
    public const string Abort = "rollout.abort";
    public const string Rollback = "rollout.rollback";
    public const string TagSet = "device.tag";
    public const string TagRemove = "device.untag";
}
