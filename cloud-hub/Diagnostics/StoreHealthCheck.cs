using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeMlops.CloudHub.Diagnostics;

/// <summary>Healthy while the hub database answers a query.</summary>
public sealed class StoreHealthCheck(HubDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            database.Read(connection => connection.ExecuteScalar<int>("SELECT 1"));
            return Task.FromResult(HealthCheckResult.Healthy($"store {database.FilePath}"));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"store {database.FilePath}: {ex.Message}", ex));
        }
    }
}
