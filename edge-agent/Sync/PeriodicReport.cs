using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Publishes the reported state every <see cref="SyncOptions.ReportInterval"/> while a session lasts, and at once
/// whenever the model deployment's status changes (so the hub follows a rollout step by step). It runs beside the
/// drain, not behind it: a drain that waits for acknowledgements, or to retry a refused batch, never holds a report back.
/// </summary>
internal sealed class PeriodicReport : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PeriodicReport(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken session,
        Models.DeploymentStatus? deployment)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(session);
        _loop = Task.Run(() => RunAsync(state, interval, time, logger, deployment, _stop.Token), CancellationToken.None);
    }

    /// <summary>Starts reporting; the first report is due one interval from now. Ends with <paramref name="session"/> or on dispose.</summary>
    public static PeriodicReport Start(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken session,
        Models.DeploymentStatus? deployment = null) =>
        new(state, interval, time, logger, session, deployment);

    /// <summary>Stops reporting; a report being published is abandoned (the goodbye sends the final one).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger,
        Models.DeploymentStatus? deployment, CancellationToken cancellationToken)
    {
        // A change made before this loop started (even before the report at connect) is reported once more: harmless.
        long reported = 0;
        while (true)
        {
            await WaitForIntervalOrChangeAsync(interval, time, deployment, reported, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
                return;
            reported = deployment?.Changes ?? 0;
            try
            {
                await state.ReportAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A lost connection ends the session (the drain notices); anything else only costs this report.
                logger.LogWarning("Could not publish the reported state: {Reason}; trying again in {Interval:0.#} s",
                    ConnectionTrouble.Describe(e), interval.TotalSeconds);
            }
        }
    }

    /// <summary>Waits one interval, or less when the deployment status changes first.</summary>
    private static async Task WaitForIntervalOrChangeAsync(TimeSpan interval, TimeProvider time, Models.DeploymentStatus? deployment,
        long reported, CancellationToken cancellationToken)
    {
        if (deployment is null)
        {
            await QuietDelay.WaitAsync(interval, time, cancellationToken).ConfigureAwait(false);
            return;
        }
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changed = deployment.WaitForChangeAsync(reported, wake.Token);
        var delay = QuietDelay.WaitAsync(interval, time, wake.Token);
        await Task.WhenAny(delay, changed).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        await delay.ConfigureAwait(false);
        try
        {
            await changed.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
