using EdgeMlops.Configuration;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Review;

public static class ReviewServiceCollectionExtensions
{
    /// <summary>
    /// The review queue (<c>Hub:Review</c>): its store and service, reviewed precision written back to the boxes, and
    /// the simulated reviewer (idle unless enabled), and the queue's metrics. Needs <c>AddHubStorage</c>, <c>AddHubDevices</c>,
    /// <c>AddHubOperatorAuth</c> (the audit log), <c>AddHubRegistry</c> (the model label sets) and <c>AddMonitoring</c>
    /// (the <see cref="Monitoring.IPrecisionReader"/> reviewed precision is read from).
    /// </summary>
    public static IServiceCollection AddHubReview(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReviewOptions>().Bind(configuration.GetSection(ReviewOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReviewOptions>, ReviewOptionsValidator>());
        services.AddBoundSection<ReviewOptions>(ReviewOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<ModelLabelSets>();
        services.TryAddSingleton<ReviewService>();
        services.TryAddSingleton<ReviewMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, ReviewMetrics>(provider => provider.GetRequiredService<ReviewMetrics>()));
        services.TryAddSingleton<ReviewedPrecisionCalculator>();
        services.TryAddSingleton<ReviewedPrecisionPass>();
        services.AddHostedService<ReviewedPrecisionPublisher>();
        services.TryAddSingleton<SimulatedReviewer>();
        services.AddHostedService(provider => provider.GetRequiredService<SimulatedReviewer>());
        return services;
    }
}
