using EdgeMlops.EdgeAgent.Hosting;
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
    /// producers write to, the <see cref="EdgeStore"/> the sync reads, and the <see cref="TelemetryWriter"/> as the
    /// <see cref="AgentStage.Store"/> stage: it stops after the pipeline (which writes) and before the sync (which reads).
    /// The store is opened once as the <see cref="AgentStage.StoreOpen"/> stage, so an unusable file stops the start.
    /// The store is closed when the host disposes it, after every stage stopped.
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
        services.TryAddSingleton<StoreOpenCheck>();
        services.AddAgentStage<StoreOpenCheck>(AgentStage.StoreOpen);
        services.AddAgentStage<TelemetryWriter>(AgentStage.Store);
        return services;
    }
}
