using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Rollout;

public static class RolloutServiceCollectionExtensions
{
    /// <summary>
    /// Staged rollouts (<c>Hub:Rollout</c>), device tags, the coordinator and its metrics. Needs <c>AddHubStorage</c>,
    /// <c>AddHubDevices</c>, <c>AddHubRegistry</c> (the <see cref="Registry.IModelCatalog"/>) and
    /// <c>AddHubNotifications</c> (the <see cref="IHubNotifications"/>).
    /// </summary>
    public static IServiceCollection AddHubRollout(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RolloutOptions>().Bind(configuration.GetSection(RolloutOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidator>());
        services.AddBoundSection<RolloutOptions>(RolloutOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeviceTags>();
        services.TryAddSingleton<RolloutStore>();
        services.TryAddSingleton<RolloutEngine>();
        services.TryAddSingleton<RolloutMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, RolloutMetrics>(provider => provider.GetRequiredService<RolloutMetrics>()));
        services.AddHostedService<RolloutCoordinator>();
        return services;
    }
}
