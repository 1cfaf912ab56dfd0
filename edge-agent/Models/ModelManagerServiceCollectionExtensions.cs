using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.Messaging;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>Registers the model manager: desired model -> download, verify, validate, swap, probation.</summary>
public static class ModelManagerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="ModelManager"/> as a stage after the sync (it acts on the desired state the sync receives;
    /// it stops before the sync, so its last report goes out), with its store, downloader (HTTP Basic with the device
    /// id and the MQTT secret) and the <see cref="DeploymentStatus"/> the reported state carries.
    /// </summary>
    public static IServiceCollection AddModelManager(this IServiceCollection services)
    {
        services.TryAddSingleton<DeploymentStatus>();
        services.TryAddSingleton(provider => ModelStore.From(provider.GetRequiredService<IOptions<ModelOptions>>().Value));
        services.TryAddSingleton(provider => new ModelValidation(provider.GetRequiredService<IOptions<ModelOptions>>().Value));
        services.TryAddSingleton(provider =>
        {
            var sync = provider.GetRequiredService<IOptions<SyncOptions>>().Value;
            var deviceId = provider.GetRequiredService<IOptions<AgentOptions>>().Value.DeviceId;
            var secret = sync.Enabled
                ? BrokerPassword.Resolve(sync.Password, sync.PasswordFile, $"{SyncOptions.SectionName}:PasswordFile")
                : sync.Password;
            var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // the download's own timeout bounds it
            http.DefaultRequestHeaders.Authorization = ModelDownloader.BasicCredentials(deviceId, secret);
            return new ModelDownloader(http, provider.GetRequiredService<ModelStore>(),
                provider.GetRequiredService<IOptions<ModelOptions>>().Value, provider.GetRequiredService<ILogger<ModelDownloader>>());
        });
        services.TryAddSingleton(provider => new ShadowMode(provider.GetRequiredService<DeploymentStatus>(),
            provider.GetRequiredService<IOptions<ModelOptions>>().Value, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ShadowMode>>()));
        services.AddSingleton<IMetricsSource, ModelMetrics>();
        services.TryAddSingleton<ModelManager>();
        services.AddAgentStage<ModelManager>(AgentStage.Models);
        return services;
    }
}
