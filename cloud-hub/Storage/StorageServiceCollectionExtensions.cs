using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The hub database (<see cref="HubDatabase"/>, opened and migrated on first use) and its read side
    /// (<see cref="HubReadStore"/>), with <see cref="HubStoreOptions"/> bound from <c>Hub:Store</c> and validated at start.
    /// </summary>
    public static IServiceCollection AddHubStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubStoreOptions>().Bind(configuration.GetSection(HubStoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubStoreOptions>, HubStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HubDatabase>();
        services.TryAddSingleton<HubReadStore>();
        return services;
    }
}
