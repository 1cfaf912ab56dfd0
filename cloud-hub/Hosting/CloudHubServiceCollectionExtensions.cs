using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Diagnostics;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

public static class CloudHubServiceCollectionExtensions
{
    /// <summary>
    /// The whole hub service, one capability at a time: store (<c>Hub:Store</c>), device registry, ingest, messaging
    /// (embedded broker on <c>Hub:Broker:Listen</c>, or an external broker when <c>Hub:Broker:Url</c> is set), the HTTP
    /// API on <c>Hub:Http:Url</c> behind operator tokens, and health and metrics. Every options section is validated at start.
    /// </summary>
    public static IServiceCollection AddCloudHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHubStorage(configuration);
        services.AddHubDevices();
        services.AddHubIngest();
        services.AddHubBroker(configuration);
        services.AddHostedService<DesiredStateRepublisher>();
        services.AddHubOperatorAuth();
        services.AddHubApi();
        services.AddHubDiagnostics();
        services.AddHubNotifications(configuration);
        services.AddHubRegistry(configuration);
        services.AddHubRollout(configuration);
        services.AddMonitoring(configuration);
        services.AddHubReview(configuration);
        services.AddHubAlerts(configuration);
        services.AddOptions<HubHttpOptions>().Bind(configuration.GetSection(HubHttpOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubHttpOptions>, HubHttpOptionsValidator>());
        // The sections bound above: their keys are the only Hub:* keys the host accepts (see HubApp.Build).
        services.AddBoundSection<HubStoreOptions>(HubStoreOptions.SectionName);
        services.AddBoundSection<BrokerOptions>(BrokerOptions.Section);
        services.AddBoundSection<HubHttpOptions>(HubHttpOptions.Section);
        return services;
    }
}
