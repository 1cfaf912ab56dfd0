using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Hosting;

/// <summary>One long-running part of the agent and where it stands in <see cref="AgentStage"/> order.</summary>
public sealed record StageRegistration(AgentStage Stage, Type Service, Func<IServiceProvider, IHostedService> Resolve);

/// <summary>
/// The one hosted service of the agent's stages: starts them in <see cref="AgentStage"/> order and stops them in the
/// reverse order, each stop awaited before the next begins. The order is stated by the stage, not by the order the
/// services were registered in. Stages are resolved only when started, so a stage that depends on an earlier one
/// (the pipeline on the loaded model) is built after that one is up.
/// A <see cref="BackgroundService"/> stage whose loop ends on an error stops the agent (logged, and
/// <see cref="StopAsync"/> throws <see cref="AgentStageFailedException"/>, so the agent exits non-zero): the host
/// watches only the services registered with it, and a stage that died unseen would leave the agent running blind.
/// </summary>
internal sealed class OrderedStages(IEnumerable<StageRegistration> registrations, IServiceProvider services,
    IHostApplicationLifetime? lifetime = null, ILogger<OrderedStages>? logger = null) : IHostedService
{
    private readonly List<IHostedService> _started = [];
    private readonly List<Task> _watching = [];
    private AgentStageFailedException? _failure;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in registrations.OrderBy(r => r.Stage))
        {
            try
            {
                var stage = registration.Resolve(services);
                await stage.StartAsync(cancellationToken);
                _started.Add(stage);
                if (stage is BackgroundService { ExecuteTask: { } running }) _watching.Add(WatchAsync(registration, running));
            }
            catch
            {
                // The host stops only services that started; the stages already up would otherwise keep running
                // (the sync connecting) while the agent reports why it cannot start.
                await StopStartedAsync(CancellationToken.None);
                throw;
            }
        }
    }

    private async Task StopStartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StopAsync(cancellationToken);
        }
        catch (Exception)
        {
            // The failure to start is the news; a stage that also fails to stop must not hide it.
        }
    }

    private async Task WatchAsync(StageRegistration registration, Task running)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the stage's loop ends with its token.
        }
        catch (Exception e)
        {
            var failure = new AgentStageFailedException(registration.Stage, registration.Service, e);
            Interlocked.CompareExchange(ref _failure, failure, null);
            logger?.LogCritical(e, "The agent's {Stage} stage ({Service}) stopped on an error; the agent stops", registration.Stage,
                registration.Service.Name);
            lifetime?.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopStagesAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_watching).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: a stage that does not end is the host's to report.
        }
        _watching.Clear();
        if (Volatile.Read(ref _failure) is { } failure) throw failure;
    }

    private async Task StopStagesAsync(CancellationToken cancellationToken)
    {
        // Stages of one kind stop in the reverse order they started in, like the host would. A stage that fails to
        // stop does not keep the ones after it running: the store still commits and the sync still drains.
        var failures = new List<Exception>();
        for (int i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await _started[i].StopAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }
        _started.Clear();
        if (failures.Count == 1) ExceptionDispatchInfo.Throw(failures[0]);
        if (failures.Count > 1) throw new AggregateException("Several stages of the agent failed to stop.", failures);
    }
}

/// <summary>A stage of the agent stopped on an error while the agent ran.</summary>
public sealed class AgentStageFailedException(AgentStage stage, Type service, Exception inner)
    : Exception($"The agent's {stage} stage ({service.Name}) stopped on an error: {inner.Message}", inner)
{
    public AgentStage Stage { get; } = stage;
}

public static class StageServiceCollectionExtensions
{
    /// <summary>
    /// Runs the hosted service <typeparamref name="TService"/> (resolved from the container, so register it too) as
    /// the agent's <paramref name="stage"/>: started and stopped by <see cref="OrderedStages"/> in stage order.
    /// </summary>
    public static IServiceCollection AddAgentStage<TService>(this IServiceCollection services, AgentStage stage)
        where TService : class, IHostedService
    {
        // Once per service, so that registering a part twice (AddEdgeStore from two places) does not run it twice.
        if (!services.Any(d => d.ImplementationInstance is StageRegistration r && r.Service == typeof(TService)))
            services.AddSingleton(new StageRegistration(stage, typeof(TService), provider => provider.GetRequiredService<TService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OrderedStages>());
        return services;
    }
}
