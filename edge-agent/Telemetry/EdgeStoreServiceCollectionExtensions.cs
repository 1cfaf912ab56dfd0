using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Registers the telemetry store.</summary>
public static class EdgeStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="EdgeStoreOptions"/> (section <c>Store</c>, validated at start), the <see cref="TelemetryQueue"/>
    /// producers write to, the <see cref="EdgeStore"/> the sync reads, and the <see cref="TelemetryWriter"/> hosted
    /// service. Register producers' hosted services after this one: the host stops services in reverse order, so they
    /// stop writing before the writer drains. The store is closed when the host disposes it, after every service stopped.
    /// </summary>
    public static IServiceCollection AddEdgeStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeStoreOptions>()
            .Bind(configuration.GetSection(EdgeStoreOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeStoreOptions>, EdgeStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TelemetryQueue>();
        services.TryAddSingleton<EdgeStore>();
        services.TryAddSingleton<TelemetryWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<TelemetryWriter>());
        return services;
    }
}
