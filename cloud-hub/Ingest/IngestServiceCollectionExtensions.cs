using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Ingest;

public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// The message ingest (<see cref="IMessageIngest"/>), its sample files, rejection log and metrics; needs
    /// <c>AddHubStorage</c> and <c>AddHubDevices</c>. Works without a host too: the writer starts with the first
    /// message, and stops when the provider is disposed.
    /// </summary>
    public static IServiceCollection AddHubIngest(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SampleFiles>();
        services.TryAddSingleton<SampleQuota>();
        services.TryAddSingleton<RejectionLog>();
        services.TryAddSingleton<IngestMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, IngestMetrics>(provider => provider.GetRequiredService<IngestMetrics>()));
        services.TryAddSingleton<IngestWriter>();
        // Ingest tells the precision gauges of each stored report.
        services.AddPrecisionCore();
        services.TryAddSingleton<IMessageIngest, MessageIngest>();
        return services;
    }
}
