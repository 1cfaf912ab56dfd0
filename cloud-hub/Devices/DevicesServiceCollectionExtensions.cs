using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Devices;

public static class DevicesServiceCollectionExtensions
{
    /// <summary>
    /// The device registry (enrol, verify, revoke), the desired-state book and the clone evidence in the hub database; needs
    /// <c>AddHubStorage</c>, and <c>AddHubBroker</c> before the book is used.
    /// </summary>
    public static IServiceCollection AddHubDevices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceRegistry>();
        services.TryAddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<DeviceRegistry>());
        services.TryAddSingleton<DesiredStateBook>();
        services.TryAddSingleton<CloneMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, CloneMetrics>(provider => provider.GetRequiredService<CloneMetrics>()));
        services.TryAddSingleton<CloneEvidence>();
        services.TryAddSingleton<SessionFights>();
        return services;
    }
}
