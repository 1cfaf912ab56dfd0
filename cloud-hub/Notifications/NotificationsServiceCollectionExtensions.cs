using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Hub notifications (<see cref="IHubNotifications"/>) delivered to <c>Hub:Notifications:WebhookUrl</c> by
    /// <see cref="WebhookSender"/>; nothing is sent while no URL is set.
    /// </summary>
    public static IServiceCollection AddHubNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.AddBoundSection<NotificationOptions>(NotificationOptions.Section);
        services.TryAddSingleton<WebhookDeliveryLog>();
        services.TryAddSingleton<WebhookNotifications>();
        services.TryAddSingleton<IHubNotifications>(provider => provider.GetRequiredService<WebhookNotifications>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, WebhookNotifications>(provider => provider.GetRequiredService<WebhookNotifications>()));
        services.AddHostedService<WebhookSender>();
        return services;
    }
}
