namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// The <see cref="Hosting.AgentStage.Monitoring"/> stage: the canary runs and the ground-truth feed. It starts before
/// the pipeline (canary images wait in the batcher's queue until it runs) and stops after it has drained, so the feed's
/// last pass sees every event; the store's writer is still taking records then.
/// </summary>
internal sealed class MonitoringStage(CanaryMonitor canary, GroundTruthFeedService feed) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await canary.StartAsync(cancellationToken);
        await feed.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await feed.StopAsync(cancellationToken);
        await canary.StopAsync(cancellationToken);
    }
}
