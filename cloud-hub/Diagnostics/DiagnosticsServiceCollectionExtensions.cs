namespace EdgeMlops.CloudHub.Diagnostics;

public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// The health checks behind <c>/healthz</c> (broker side up, store answering); <c>/metrics</c> needs no services
    /// of its own, it writes every registered <see cref="Observability.IMetricsSource"/>.
    /// </summary>
    public static IServiceCollection AddHubDiagnostics(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("broker")
            .AddCheck<StoreHealthCheck>("store");
        return services;
    }
}
