using EdgeMlops.Configuration;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Detection;
using EdgeMlops.EdgeAgent.Diagnostics;
using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.EdgeAgent.Pipeline;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

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
        services.TryAddSingleton(TimeProvider.System);

        // Every section is validated when the host starts: a bad value stops the agent naming its key (exit code 2).
        // That includes each camera's settings; a camera whose well-formed source cannot be opened is a runtime
        // condition instead: it reports its error and the others run.
        services.AddValidatedOptions<AgentOptions>(configuration, AgentOptions.SectionName);
        services.AddValidatedOptions<ModelOptions>(configuration, ModelOptions.SectionName);
        services.AddValidatedOptions<BatchingOptions>(configuration, BatchingOptions.SectionName);
        services.AddValidatedOptions<SampleOptions>(configuration, SampleOptions.SectionName);
        services.AddValidatedOptions<TrackerOptions>(configuration, TrackerOptions.SectionName);
        services.AddValidatedOptions<BackgroundSubtractionOptions>(configuration, BackgroundSubtractionOptions.SectionName);
        services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.SectionName);
        services.AddOptions<ClassifierRuntimeOptions>().Bind(configuration.GetSection(ClassifierRuntimeOptions.SectionName))
            .PostConfigure<IOptions<BatchingOptions>>((runtime, batching) => runtime.MaxBatchSize = batching.Value.MaxBatchSize);
        services.AddOptions<FrameSourceFactoryOptions>().Bind(configuration.GetSection(FrameSourceFactoryOptions.SectionName));
        services.AddOptions<CameraList>().Configure(list =>
        {
            configuration.GetSection(CameraList.SectionName).Bind(list.Cameras);
            if (list.Cameras.Count == 0) list.Cameras.Add(CameraList.DefaultCamera());
        }).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CameraList>, CameraListValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CameraOptions>, CameraOptionsValidator>());
        // The sections bound above without AddValidatedOptions, so that the key check knows their keys too.
        services.AddBoundSection<ClassifierRuntimeOptions>(ClassifierRuntimeOptions.SectionName);
        services.AddBoundSection<FrameSourceFactoryOptions>(FrameSourceFactoryOptions.SectionName);
        services.AddBoundSection<List<CameraOptions>>(CameraList.SectionName);
        services.AddBoundSection<EdgeStoreOptions>(EdgeStoreOptions.SectionName);
        services.AddBoundSection<SyncOptions>(SyncOptions.SectionName);

        // The model: loaded into the slot before anything else starts; the batcher reads the slot per batch.
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<ModelSlot>();
        services.AddSingleton<IModelIdentity, SlotModelIdentity>();
        services.AddSingleton<InitialModelLoad>();
        services.AddAgentStage<InitialModelLoad>(AgentStage.Model);
        services.AddModelManager();

        services.AddEdgeSync(configuration);
        services.AddEdgeStore(configuration);
        services.AddSingleton<IMetricsSource, StoreMetrics>();

        // The pipeline: sources, proposers and each camera's stages come from these factories; the batcher is shared.
        services.AddSingleton<IFrameSourceFactory>(provider => FrameSources(provider));
        services.AddSingleton<IRegionProposerFactory, RegionProposerFactory>();
        services.AddSingleton<ClassificationBatcher>();
        services.AddSingleton<TruthScorer>(_ => new TruthScorer());
        services.AddEdgeMonitoring(configuration);
        services.AddSingleton<SamplingMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<SamplingMetrics>());
        services.AddSingleton<CameraPipelineFactory>();
        services.AddSingleton(provider => new CameraMetricsRegistry(
            provider.GetRequiredService<IOptions<CameraList>>().Value.Cameras.Select(c => new CameraMetrics(c.Id))));
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<CameraMetricsRegistry>());
        services.AddSingleton<EdgePipelineService>();
        services.AddAgentStage<EdgePipelineService>(AgentStage.Pipeline);
        services.AddSingleton<RunReporter>();
        services.AddAgentStage<RunReporter>(AgentStage.Reporting);

        services.AddSingleton<MetricsEndpoint>();
        services.AddAgentStage<MetricsEndpoint>(AgentStage.Diagnostics);
        return builder;
    }

    /// <summary>
    /// Every configuration key the agent reads: the bound sections' properties, any <c>Logging</c> category and the
    /// host's own <c>environment</c>, <c>applicationName</c> and <c>contentRoot</c>.
    /// </summary>
    public static ConfigurationKeys ConfigurationKeys(this HostApplicationBuilder builder) =>
        new(builder.Services.BoundSections(), ["Logging", HostDefaults.EnvironmentKey, HostDefaults.ApplicationKey, HostDefaults.ContentRootKey]);

    /// <summary>Files, devices and streams, the synthetic world as <c>synthetic://</c>, and the ground truth of videos that have a sidecar.</summary>
    private static IFrameSourceFactory FrameSources(IServiceProvider provider)
    {
        var sources = new FrameSourceFactory(provider.GetRequiredService<IOptions<FrameSourceFactoryOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>());
        sources.Register(SyntheticSourceUri.Scheme, camera => new SyntheticFrameSource(SyntheticSourceUri.Parse(camera.Source)));
        return new SidecarTruthFrameSourceFactory(sources);
    }
}
