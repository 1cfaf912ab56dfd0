using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Reporting;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests;

/// <summary>The agent as <see cref="EdgeAgentExtensions.AddEdgeAgent"/> wires it, in this process, with one part replaced.</summary>
public sealed class EdgeAgentCompositionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A short video file of grey frames, whatever the camera's source says.</summary>
    private sealed class GreyVideos(int frames) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => new GreyVideo(frames);

        private sealed class GreyVideo(int frames) : IFrameSource
        {
            private int _next;
            public bool IsLive => false;
            public void Open(CancellationToken cancellationToken) => _next = 0;

            public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
            {
                frame = new SourceFrameInfo(TimeSpan.FromMilliseconds(40 * _next));
                return _next++ < frames;
            }

            public void Retrieve(Mat destination)
            {
                destination.Create(120, 160, MatType.CV_8UC3);
                destination.SetTo(Scalar.All(128));
            }

            public void Dispose()
            {
            }
        }
    }

    private IHost Agent(IFrameSourceFactory sources)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args =
            [
                $"--Store:Path={_dir.File("agent.db")}", "--Sync:Enabled=false", "--Metrics:Url=",
                "--Cameras:0:Id=cam1", "--Cameras:0:Source=/videos/grey.mp4", "--Cameras:0:FilePacing=AsFastAsPossible",
                "--Classifier:ExecutionProviders:0=CPU",
            ],
            ContentRootPath = _dir.Path,
            EnvironmentName = Environments.Production,
        });
        builder.AddEdgeAgent();
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddSingleton(sources);
        return builder.Build();
    }

    [Fact]
    public async Task A_replaced_frame_source_runs_through_every_stage_and_the_agent_stops_when_it_ends()
    {
        using var host = Agent(new GreyVideos(frames: 12));

        await host.StartAsync();
        await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(60)); // stopped by itself once the video ended

        var camera = Assert.Single(host.Services.GetRequiredService<CameraMetricsRegistry>().Cameras);
        Assert.Null(camera.LastError);
        Assert.Equal(12, camera.Frames);
        Assert.Equal(0, camera.TotalDrops);
        Assert.NotEmpty(camera.Labels); // the model's labels, from the slot
        Assert.Equal(0, host.Services.GetRequiredService<TelemetryQueue>().Depth); // the writer committed the stats before stopping
    }

    [Fact]
    public void The_agent_runs_its_parts_as_one_hosted_service_in_stage_order()
    {
        using var host = Agent(new GreyVideos(frames: 1));

        Assert.Single(host.Services.GetServices<IHostedService>());
        Assert.Equal(
            [AgentStage.Model, AgentStage.StoreOpen, AgentStage.Sync, AgentStage.Models, AgentStage.Store, AgentStage.Monitoring, AgentStage.Reporting, AgentStage.Pipeline, AgentStage.Diagnostics],
            host.Services.GetServices<StageRegistration>().Select(r => r.Stage).Order());
        Assert.False(host.Services.GetRequiredService<ModelSlot>().HasModel); // loaded by its stage, not when built
    }
}
