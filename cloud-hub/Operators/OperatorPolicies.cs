using Microsoft.AspNetCore.Authorization;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// The API's authorization policies, one per role; a route names the least role it needs and higher roles pass too.
/// </summary>
public static class OperatorPolicies
{
    /// <summary>Reading devices, records, ingest counters: viewer and above.</summary>
    public const string Read = "read";

    /// <summary>Rolling out models, moving aliases, labelling samples (routes of later releases): operator and above.</summary>
    public const string Operate = "operate";

    /// <summary>Enrolling, re-keying and revoking devices, managing operators, reading the audit log: admin.</summary>
    public const string Administer = "administer";

    /// <summary><c>/metrics</c>: open when <c>Hub:Http:OpenMetrics</c> is true (a scraper without a token), otherwise viewer and above.</summary>
    public const string Metrics = "metrics";

    internal static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Read, policy => policy.AddRequirements(new RoleRequirement(OperatorRole.Viewer)));
        options.AddPolicy(Operate, policy => policy.AddRequirements(new RoleRequirement(OperatorRole.Operator)));
        options.AddPolicy(Administer, policy => policy.AddRequirements(new RoleRequirement(OperatorRole.Admin)));
        options.AddPolicy(Metrics, policy => policy.AddRequirements(new RoleRequirement(OperatorRole.Viewer, OpenWhenMetricsAreOpen: true)));
    }
}

/// <summary>The caller's role is <see cref="Least"/> or higher.</summary>
/// <param name="OpenWhenMetricsAreOpen">Anyone passes while <c>Hub:Http:OpenMetrics</c> is true.</param>
internal sealed record RoleRequirement(OperatorRole Least, bool OpenWhenMetricsAreOpen = false) : IAuthorizationRequirement;
