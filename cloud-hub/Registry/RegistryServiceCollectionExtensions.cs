using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// The model registry (<c>Hub:Registry</c>): store, registration, aliases, the catalog the rollout resolves versions
    /// with (<see cref="IModelCatalog"/>), the fleet key, the device download gate and metrics. Needs
    /// <c>AddHubStorage</c>, <c>AddHubDevices</c>, <c>AddHubOperators</c> and an <see cref="Notifications.IHubNotifications"/>.
    /// </summary>
    public static IServiceCollection AddHubRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.AddBoundSection<RegistryOptions>(RegistryOptions.Section);
        services.TryAddSingleton<ModelBlobStore>();
        services.TryAddSingleton<ModelVersionBook>();
        services.TryAddSingleton<FleetKey>();
        services.TryAddSingleton<RegistryMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, RegistryMetrics>(provider => provider.GetRequiredService<RegistryMetrics>()));
        services.TryAddSingleton<ModelRegistration>();
        services.TryAddSingleton<ModelAliases>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<IModelCatalog>(provider => provider.GetRequiredService<ModelCatalog>());
        services.TryAddSingleton<DeviceDownloadGate>();
        return services;
    }
}
