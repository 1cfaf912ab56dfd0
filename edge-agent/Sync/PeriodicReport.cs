using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Publishes the reported state every <see cref="SyncOptions.ReportInterval"/> while a session lasts. It runs beside the
/// drain, not behind it: a drain that waits for acknowledgements, or to retry a refused batch, never holds a report back.
/// </summary>
internal sealed class PeriodicReport : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PeriodicReport(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken session)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(session);
        _loop = Task.Run(() => RunAsync(state, interval, time, logger, _stop.Token), CancellationToken.None);
    }

    /// <summary>Starts reporting; the first report is due one interval from now. Ends with <paramref name="session"/> or on dispose.</summary>
    public static PeriodicReport Start(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken session) =>
        new(state, interval, time, logger, session);

    /// <summary>Stops reporting; a report being published is abandoned (the goodbye sends the final one).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(StatePublisher state, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        while (true)
        {
            await QuietDelay.WaitAsync(interval, time, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
                return;
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
}
