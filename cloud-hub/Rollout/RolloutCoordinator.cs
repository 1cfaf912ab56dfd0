using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Runs <see cref="RolloutEngine.TickAsync"/> every <see cref="RolloutOptions.Tick"/> on the hub's clock.</summary>
public sealed class RolloutCoordinator(RolloutEngine engine, IOptions<RolloutOptions> options, TimeProvider time, ILogger<RolloutCoordinator> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = options.Value.Tick;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.TickAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(tick, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store or broker briefly failing must not end rollouts for good: the next tick tries again.
                logger.LogError(e, "Rollout pass failed; retrying in {Tick}", tick);
                await Task.Delay(tick, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
