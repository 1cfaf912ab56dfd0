using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.EdgeAgent.Pipeline;
using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Precision scoring on the box: per camera (estimate, drift, truth) through <see cref="PrecisionMonitoring"/>, the
    /// canary set and the ground-truth feed as stages that stop after the pipeline has drained, and their metrics.
    /// </summary>
    public static IServiceCollection AddEdgeMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MonitoringOptions>(configuration, MonitoringOptions.SectionName);
        services.AddSingleton<PrecisionMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<PrecisionMetrics>());
        services.AddSingleton<PrecisionReportWriter>();
        services.AddSingleton(provider => new GroundTruthFeedScorer(
            provider.GetRequiredService<IOptions<AgentOptions>>().Value.DeviceId,
            provider.GetRequiredService<IOptions<CameraList>>().Value.Cameras.Select(c => c.Id),
            provider.GetRequiredService<IOptions<MonitoringOptions>>().Value.Window,
            provider.GetRequiredService<ILogger<GroundTruthFeedScorer>>()));
        services.AddSingleton<PrecisionMonitoring>();
        services.AddSingleton<CanaryMonitor>();
        services.AddSingleton<GroundTruthFeedService>();
        services.AddSingleton<MonitoringStage>();
        services.AddAgentStage<MonitoringStage>(AgentStage.Monitoring);
        return services;
    }
}
