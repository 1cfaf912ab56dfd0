using EdgeMlops.EdgeAgent.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Hosting;

public sealed class OrderedStagesTests
{
    private sealed class Journal
    {
        public List<string> Entries { get; } = [];
    }

    private abstract class Stage(Journal journal, string name) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lock (journal) journal.Entries.Add($"start {name}");
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await Task.Yield(); // a stop that takes a while must still finish before the next one begins
            lock (journal) journal.Entries.Add($"stop {name}");
        }
    }

    private sealed class SyncStage(Journal journal) : Stage(journal, "sync");
    private sealed class StoreStage(Journal journal) : Stage(journal, "store");
    private sealed class PipelineStage(Journal journal) : Stage(journal, "pipeline");
    private sealed class ModelStage(Journal journal) : Stage(journal, "model");

    [Fact]
    public async Task Stages_start_in_stage_order_and_stop_in_reverse_whatever_order_they_were_registered_in()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var journal = new Journal();
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton<PipelineStage>().AddAgentStage<PipelineStage>(AgentStage.Pipeline);
        builder.Services.AddSingleton<SyncStage>().AddAgentStage<SyncStage>(AgentStage.Sync);
        builder.Services.AddSingleton<ModelStage>().AddAgentStage<ModelStage>(AgentStage.Model);
        builder.Services.AddSingleton<StoreStage>().AddAgentStage<StoreStage>(AgentStage.Store);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(
            ["start model", "start sync", "start store", "start pipeline", "stop pipeline", "stop store", "stop sync", "stop model"],
            journal.Entries);
    }

    /// <summary>A long loop that dies on an error it did not expect, as the model manager did on an ONNX Runtime error.</summary>
    private sealed class FaultingLoop(Journal journal) : BackgroundService
    {
        public TaskCompletionSource Fail { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Fail.Task.WaitAsync(stoppingToken);
            lock (journal) journal.Entries.Add("loop failed");
            throw new InvalidOperationException("Non-zero status code returned while running Conv node");
        }
    }

    [Fact]
    public async Task A_background_stage_that_fails_while_running_stops_the_agent_with_its_error()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var journal = new Journal();
        var log = new FakeLogCollector();
        builder.Services.AddSingleton(journal);
        builder.Logging.AddProvider(new FakeLoggerProvider(log));
        builder.Services.AddSingleton<StoreStage>().AddAgentStage<StoreStage>(AgentStage.Store);
        builder.Services.AddSingleton<FaultingLoop>().AddAgentStage<FaultingLoop>(AgentStage.Model);
        using var host = builder.Build();
        await host.StartAsync();

        host.Services.GetRequiredService<FaultingLoop>().Fail.SetResult();

        var stopped = await Assert.ThrowsAsync<AgentStageFailedException>(() => host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(AgentStage.Model, stopped.Stage);
        Assert.Contains("Non-zero status code", stopped.Message);
        Assert.Equal(["start store", "loop failed", "stop store"], journal.Entries);
        Assert.Contains(log.GetSnapshot(), r => r.Level == LogLevel.Critical && r.Message.Contains("Model stage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registering_stages_adds_one_hosted_service_for_all_of_them()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Journal());
        services.AddSingleton<SyncStage>().AddAgentStage<SyncStage>(AgentStage.Sync);
        services.AddSingleton<StoreStage>().AddAgentStage<StoreStage>(AgentStage.Store);
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task A_stage_registered_twice_runs_once()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var journal = new Journal();
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton<StoreStage>().AddAgentStage<StoreStage>(AgentStage.Store);
        builder.Services.AddAgentStage<StoreStage>(AgentStage.Store);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(["start store", "stop store"], journal.Entries);
    }
}
