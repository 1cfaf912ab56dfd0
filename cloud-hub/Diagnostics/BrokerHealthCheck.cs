using EdgeMlops.CloudHub.Broker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeMlops.CloudHub.Diagnostics;

/// <summary>Healthy while device messages can reach the hub: the embedded broker listens, or the external one is connected and subscribed.</summary>
public sealed class BrokerHealthCheck(IBrokerStatus broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsUp
            ? HealthCheckResult.Healthy($"{broker.Mode} broker {broker.Endpoint}")
            : HealthCheckResult.Unhealthy($"{broker.Mode} broker {broker.Endpoint}: {broker.Problem}"));
}
