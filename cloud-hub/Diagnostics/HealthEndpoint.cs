using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeMlops.CloudHub.Diagnostics;

public static class HealthEndpoint
{
    /// <summary>
    /// <c>GET /healthz</c>: 200 with each check's state when the broker side is up and the store is open; otherwise
    /// 503 as RFC 7807 problem details naming what is down.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthz(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", async (HealthCheckService health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(cancellationToken);
            var checks = report.Entries.ToDictionary(e => e.Key, e => $"{e.Value.Status.ToString().ToLowerInvariant()}: {e.Value.Description}");
            if (report.Status == HealthStatus.Healthy)
                return Results.Ok(new { status = "healthy", checks });
            var down = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Value.Description);
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The hub is not ready",
                detail: string.Join("; ", down),
                extensions: new Dictionary<string, object?> { ["checks"] = checks });
        }).AllowAnonymous(); // load balancers and systemd probes carry no token, and health tells nothing about the fleet
        return endpoints;
    }
}
