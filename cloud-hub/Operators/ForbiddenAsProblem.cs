using EdgeMlops.CloudHub.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// Answers a refused, authenticated request 403 as problem details naming the role it needed, and writes the refusal to
/// the audit log (an operator probing for what it may not do is worth knowing about); everything else as usual.
/// </summary>
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
        context.RequestServices.GetRequiredService<AuditLog>().Record(
            OperatorClaims.NameOf(context.User), AuditActions.ApiRequest, $"{context.Request.Method} {context.Request.Path}", AuditActions.RefusedRole);
        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Role too low",
            reasons.Count > 0 ? string.Join("; ", reasons) : "this operator may not do this");
    }
}
