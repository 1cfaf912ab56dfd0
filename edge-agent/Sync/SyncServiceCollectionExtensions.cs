using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>Registers the MQTT sync.</summary>
public static class SyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SyncOptions"/> (section <c>Sync</c>, validated at start), <see cref="SyncProgress"/> and
    /// <see cref="SyncMetrics"/> (an <see cref="IMetricsSource"/>), the <see cref="DesiredStateStore"/> and the
    /// <see cref="ReviewedPrecisionBook"/> read from it, and the
    /// <see cref="MqttSyncService"/> as the <see cref="AgentStage.Sync"/> stage: it stops after the store's writer has
    /// committed everything the pipeline handed it, and drains that too. Needs the telemetry store (<c>AddEdgeStore</c>)
    /// and an <see cref="IModelIdentity"/>. With <c>Sync:Enabled</c> false nothing connects.
    /// </summary>
    public static IServiceCollection AddEdgeSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SyncOptions>()
            .Bind(configuration.GetSection(SyncOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DesiredStateStore>();
        services.TryAddSingleton<ReviewedPrecisionBook>();
        services.TryAddSingleton<SyncProgress>();
        services.TryAddSingleton<SyncMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<SyncMetrics>());
        services.TryAddSingleton<MqttSyncService>();
        services.AddAgentStage<MqttSyncService>(AgentStage.Sync);
        return services;
    }
}
