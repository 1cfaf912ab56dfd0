using EdgeMlops.CloudHub.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// Passes a caller whose role is at least the one required. A caller without a valid token is left unauthorized, so
/// the middleware answers 401; a caller with too low a role fails with a reason naming both roles (403).
/// </summary>
internal sealed class RoleRequirementHandler(IOptionsMonitor<HubHttpOptions> http) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (requirement.OpenWhenMetricsAreOpen && http.CurrentValue.OpenMetrics)
            context.Succeed(requirement);
        else if (OperatorClaims.RoleOf(context.User) is { } role)
        {
            if (role >= requirement.Least)
                context.Succeed(requirement);
            else
                context.Fail(new AuthorizationFailureReason(this, $"role {requirement.Least.Name()} needed, you have {role.Name()}"));
        }
        return Task.CompletedTask;
    }
}
