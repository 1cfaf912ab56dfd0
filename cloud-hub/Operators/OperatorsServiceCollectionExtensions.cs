using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Operators;

public static class OperatorsServiceCollectionExtensions
{
    /// <summary>The operator registry and the audit log in the hub database; needs <c>AddHubStorage</c>. The CLI uses these alone.</summary>
    public static IServiceCollection AddHubOperators(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OperatorRegistry>();
        services.TryAddSingleton<AuditLog>();
        return services;
    }

    /// <summary>
    /// Bearer-token authentication of operators and one authorization policy per role (<see cref="OperatorPolicies"/>).
    /// Any route that names no policy needs a viewer, so a route added later is never open by accident.
    /// </summary>
    public static IServiceCollection AddHubOperatorAuth(this IServiceCollection services)
    {
        services.AddHubOperators();
        services.AddProblemDetails();
        services.AddAuthentication(OperatorTokenHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, OperatorTokenHandler>(OperatorTokenHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            OperatorPolicies.Add(options);
            options.FallbackPolicy = options.GetPolicy(OperatorPolicies.Read);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, RoleRequirementHandler>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ForbiddenAsProblem>());
        return services;
    }
}
