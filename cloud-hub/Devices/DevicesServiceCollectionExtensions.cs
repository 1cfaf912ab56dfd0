using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Devices;

public static class DevicesServiceCollectionExtensions
{
    /// <summary>
    /// The device registry (enrol, verify, revoke) and the desired-state book in the hub database; needs
    /// <c>AddHubStorage</c>, and <c>AddHubBroker</c> before the book is used.
    /// </summary>
    public static IServiceCollection AddHubDevices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceRegistry>();
        services.TryAddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<DeviceRegistry>());
        services.TryAddSingleton<DesiredStateBook>();
        return services;
    }
}
