using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Precision monitoring (<c>Hub:Monitoring</c>): the <see cref="IPrecisionReader"/> the API, alerts and reviewed
    /// precision read, and the precision gauges. Needs <c>AddHubStorage</c>; ingest feeds the gauges.
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>());
        services.AddBoundSection<MonitoringOptions>(MonitoringOptions.Section);
        services.AddPrecisionCore();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, PrecisionGauges>(provider => provider.GetRequiredService<PrecisionGauges>()));
        return services;
    }

    /// <summary>
    /// The reader and the gauges ingest feeds, with default options: what ingest needs without the whole capability
    /// (tests and tools that build the ingest alone).
    /// </summary>
    internal static IServiceCollection AddPrecisionCore(this IServiceCollection services)
    {
        services.AddOptions<MonitoringOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPrecisionReader, PrecisionReader>();
        services.TryAddSingleton<PrecisionGauges>();
        return services;
    }
}
