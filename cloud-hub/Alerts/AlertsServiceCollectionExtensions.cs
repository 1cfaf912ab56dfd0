using EdgeMlops.CloudHub.Broker;
using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// Alerts (<c>Hub:Alerts</c>): the rule engine and its evaluator, the store, the channels (retained MQTT messages on the
    /// broker the hub uses, the webhook) and the metrics. Needs <c>AddHubStorage</c>, <c>AddHubDevices</c>,
    /// <c>AddHubBroker</c>, <c>AddHubNotifications</c> and an <see cref="Monitoring.IPrecisionReader"/> (the monitoring capability).
    /// </summary>
    public static IServiceCollection AddHubAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.AddBoundSection<AlertOptions>(AlertOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<AlertEngine>();
        services.TryAddSingleton<AlertChannels>();
        if (string.IsNullOrWhiteSpace(configuration[$"{BrokerOptions.Section}:Url"]))
            services.TryAddSingleton<IAlertPublisher, EmbeddedAlertPublisher>();
        else
            services.TryAddSingleton<IAlertPublisher, ExternalAlertPublisher>();
        services.TryAddSingleton<AlertMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, AlertMetrics>(provider => provider.GetRequiredService<AlertMetrics>()));
        services.AddHostedService<AlertEvaluator>();
        return services;
    }
}
