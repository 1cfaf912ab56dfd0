using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Devices;

public static class DevicesServiceCollectionExtensions
{
    /// <summary>The device registry (enrol, verify, revoke) in the hub database; needs <c>AddHubStorage</c>.</summary>
    public static IServiceCollection AddHubDevices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceRegistry>();
        services.TryAddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<DeviceRegistry>());
        return services;
    }
}
