using EdgeMlops.CloudHub.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>Answers a refused, authenticated request 403 as problem details naming the role it needed; everything else as usual.</summary>
internal sealed class ForbiddenAsProblem : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Role too low",
            reasons.Count > 0 ? string.Join("; ", reasons) : "this operator may not do this");
    }
}
