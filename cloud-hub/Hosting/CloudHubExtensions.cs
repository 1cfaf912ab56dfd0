using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Hosting;

public static class CloudHubExtensions
{
    /// <summary>
    /// The whole hub service: its data side (store, registry, ingest: <c>Hub:Store</c>) and its messaging side
    /// (embedded broker on <c>Hub:Broker:Listen</c>, or an external broker when <c>Hub:Broker:Url</c> is set).
    /// </summary>
    public static IServiceCollection AddCloudHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHubData(configuration);
        services.AddHubBroker(configuration);
        services.AddOptions<HubHttpOptions>().Bind(configuration.GetSection(HubHttpOptions.Section));
        services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("broker")
            .AddCheck<StoreHealthCheck>("store");
        return services;
    }
}
