using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>Registers the hub's data side: database, device registry, message ingest and its metrics.</summary>
public static class HubDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HubDatabase"/>, <see cref="IDeviceRegistry"/>, the message ingest and its metrics, with
    /// <see cref="HubStoreOptions"/> bound from <c>Hub:Store</c> and validated at start. Works without a host too
    /// (the CLI): the ingest writer starts with the first message, and stops when the provider is disposed.
    /// </summary>
    public static IServiceCollection AddHubData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubStoreOptions>()
            .Bind(configuration.GetSection(HubStoreOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubStoreOptions>, HubStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HubDatabase>();
        services.TryAddSingleton<DeviceRegistry>();
        services.TryAddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<DeviceRegistry>());
        services.TryAddSingleton<HubReadStore>();
        services.TryAddSingleton<SampleFiles>();
        services.TryAddSingleton<RejectionLog>();
        services.TryAddSingleton<IngestMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, IngestMetrics>(provider => provider.GetRequiredService<IngestMetrics>()));
        services.TryAddSingleton<IngestWriter>();
        services.TryAddSingleton<IMessageIngest, MessageIngest>();
        return services;
    }
}
