using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Pipeline;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Inference.Runtime;
using Microsoft.Extensions.Logging.Console;

namespace EdgeMlops.EdgeAgent;

/// <summary>All of the edge agent's wiring, in one place.</summary>
public static class EdgeAgentExtensions
{
    public static HostApplicationBuilder AddEdgeAgent(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Logs and the status line go to stderr; stdout carries only the run summary, for scripts.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddOptions<CameraList>().Configure(list =>
        {
            configuration.GetSection("Cameras").Bind(list.Cameras);
            if (list.Cameras.Count == 0) list.Cameras.Add(CameraList.DefaultCamera());
        });
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddOptions<ClassifierRuntimeOptions>().Bind(configuration.GetSection(ClassifierRuntimeOptions.SectionName));
        services.AddOptions<BatchingOptions>().Bind(configuration.GetSection(BatchingOptions.SectionName));
        services.AddOptions<Capture.FrameSourceFactoryOptions>().Bind(configuration.GetSection(Capture.FrameSourceFactoryOptions.SectionName));
        services.AddOptions<SampleOptions>().Bind(configuration.GetSection(SampleOptions.SectionName));
        services.AddOptions<Tracking.TrackerOptions>().Bind(configuration.GetSection(Tracking.TrackerOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddOptions<Detection.BackgroundSubtractionOptions>().Bind(configuration.GetSection(Detection.BackgroundSubtractionOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();

        services.AddOptions<Diagnostics.MetricsOptions>().Bind(configuration.GetSection(Diagnostics.MetricsOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ActiveModel>();
        // The host stops services in reverse order of registration: the pipeline first, then the store's writer
        // (committing what the pipeline handed it), then the sync (draining that to the broker, then disconnecting).
        services.AddEdgeSync(configuration);
        services.AddEdgeStore(configuration);
        services.AddSingleton<EdgeMlops.Observability.IMetricsSource, StoreMetrics>();
        services.AddSingleton<Reporting.CameraMetricsRegistry>();
        services.AddSingleton<EdgeMlops.Observability.IMetricsSource>(provider => provider.GetRequiredService<Reporting.CameraMetricsRegistry>());
        services.AddHostedService<EdgePipelineService>();
        // Last registered, first stopped: scrapes end before the pipeline drains.
        services.AddHostedService<Diagnostics.MetricsEndpoint>();
        return builder;
    }
}
