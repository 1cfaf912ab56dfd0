using EdgeMlops.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Broker;

public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// The hub's messaging side: the embedded broker, or, when <c>Hub:Broker:Url</c> is set, a connection to an
    /// external one; plus <see cref="IBrokerStatus"/>, <see cref="IDesiredStatePublisher"/> and <see cref="BrokerMetrics"/>.
    /// Needs <see cref="Devices.IDeviceRegistry"/> (<c>AddHubDevices</c>) and <see cref="Ingest.IMessageIngest"/> (<c>AddHubIngest</c>).
    /// </summary>
    public static IServiceCollection AddHubBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BrokerOptions>().Bind(configuration.GetSection(BrokerOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BrokerMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, BrokerMetrics>(sp => sp.GetRequiredService<BrokerMetrics>()));
        services.TryAddSingleton<IngestHandoff>();

        var external = !string.IsNullOrWhiteSpace(configuration[$"{BrokerOptions.Section}:Url"]);
        if (external)
        {
            services.TryAddSingleton<ExternalBrokerConnector>();
            services.TryAddSingleton<IBrokerStatus>(sp => sp.GetRequiredService<ExternalBrokerConnector>());
            services.TryAddSingleton<IDesiredStatePublisher, ExternalDesiredStatePublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerConnector>());
        }
        else
        {
            services.TryAddSingleton<DeviceConnectionValidator>();
            services.TryAddSingleton<EmbeddedBroker>();
            services.TryAddSingleton<IBrokerStatus>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.TryAddSingleton<IDesiredStatePublisher, EmbeddedDesiredStatePublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }
        return services;
    }
}
