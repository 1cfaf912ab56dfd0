using EdgeMlops.Contracts.Text;
using EdgeMlops.EdgeAgent.Telemetry;
using MQTTnet;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// One connected session with the broker: announces the device online, subscribes to its desired state, reports its
/// state now and then on schedule (<see cref="PeriodicReport"/>), drains the outbox until the agent stops or the
/// connection goes, and on stop says goodbye.
/// </summary>
internal sealed class SyncSession(
    IMqttClient client,
    SyncConnectionSettings settings,
    SyncOptions options,
    EdgeStore store,
    SyncProgress progress,
    OutboxPacker packer,
    DeviceMessages messages,
    NoSubscriberOutage outage,
    QuotaOutage quota,
    TimeProvider time,
    ILogger logger,
    CancellationToken stopRequested,
    CancellationToken abort,
    Models.DeploymentStatus? deployment = null)
{
    // How often an idle drain looks for new records; the check reads two counters, not the file.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    // Time allowed, after the drain window, for the final report, the offline status and the DISCONNECT.
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    /// <exception cref="MqttConnectionLostException">The connection went away; the caller reconnects.</exception>
    /// <exception cref="OperationCanceledException">Aborted: the host's stop timeout ran out.</exception>
    public async Task RunAsync(bool isReconnect)
    {
        var watch = new ConnectionWatch(client);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(watch.Lost, abort);
        var token = connection.Token;
        var state = new StatePublisher(client, settings.DeviceId, messages, settings.Broker, logger);

        await state.AnnounceAsync(online: true, token).ConfigureAwait(false);
        await state.SubscribeDesiredAsync(token).ConfigureAwait(false);
        progress.SetConnected(true, isReconnect);
        logger.LogInformation("Connected to broker {Broker} as {ClientId}; {Pending} records to send", settings.Broker, settings.DeviceId, store.PendingCount);
        await state.ReportAsync(token).ConfigureAwait(false);

        var drain = new OutboxDrain(client, store, packer, progress, logger, options.BatchRecords, options.MaxInFlight, token);
        using (var reporting = CancellationTokenSource.CreateLinkedTokenSource(token, stopRequested))
        await using (PeriodicReport.Start(state, options.ReportInterval, time, logger, reporting.Token, deployment))
            await DrainUntilStoppedAsync(drain, watch, token).ConfigureAwait(false);

        abort.ThrowIfCancellationRequested();
        if (watch.IsLost)
            throw watch.LostException();
        await DrainBeforeGoodbyeAsync(drain, token).ConfigureAwait(false);
        await SayGoodbyeAsync(state).ConfigureAwait(false);
    }

    /// <summary>Drains until the agent stops (then returns) or the connection goes (then throws); setbacks are waited out.</summary>
    private async Task DrainUntilStoppedAsync(OutboxDrain drain, ConnectionWatch watch, CancellationToken connection)
    {
        var setbacks = new DrainSetbacks(drain, options.Reconnect, settings.Broker, outage, quota, time, logger);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(connection, stopRequested);
        while (!stopRequested.IsCancellationRequested && !connection.IsCancellationRequested)
        {
            try
            {
                await PumpAsync(drain, setbacks, wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopRequested.IsCancellationRequested && !connection.IsCancellationRequested)
            {
                break; // stopping: what is left is drained before the goodbye
            }
            catch (OperationCanceledException) when (watch.IsLost)
            {
                throw watch.LostException();
            }
            catch (SyncPublishException e) when (e.Outcome.Verdict == PublishVerdict.Refused)
            {
                await setbacks.RefusedAsync(e, wake.Token).ConfigureAwait(false);
            }
            catch (SyncPublishException e)
            {
                // Not acknowledged: the connection is gone (or going). The next session sends the records again.
                throw watch.LostException(e);
            }
            catch (EdgeStoreException e)
            {
                await setbacks.StoreFailedAsync(e, wake.Token).ConfigureAwait(false);
            }
        }
    }

    private async Task PumpAsync(OutboxDrain drain, DrainSetbacks setbacks, CancellationToken cancellationToken)
    {
        var acked = progress.AckedRecords;
        var read = drain.HasWork ? await drain.PumpAsync(cancellationToken).ConfigureAwait(false) : 0;
        // Records read are not yet progress: after a refusal, they may be refused again. Acknowledged ones are.
        if (read == 0 || progress.AckedRecords > acked)
            setbacks.Progressed();
        if (read == 0)
            await QuietDelay.WaitAsync(IdlePoll, time, cancellationToken).ConfigureAwait(false);
        outage.EndIfDelivered();
    }

    /// <summary>Drains what the stopping pipeline left, for up to <see cref="SyncOptions.DrainOnStop"/>.</summary>
    private async Task DrainBeforeGoodbyeAsync(OutboxDrain drain, CancellationToken connection)
    {
        using var window = new CancellationTokenSource(options.DrainOnStop, time);
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(window.Token, connection);
        try
        {
            while (drain.HasWork)
                await drain.PumpAsync(draining.Token).ConfigureAwait(false);
            logger.LogInformation("Outbox drained before stopping; {Pending} records left", store.PendingCount);
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            logger.LogInformation("Stopped draining after {DrainOnStop:0.#} s ({Key}); {Pending} records wait in the outbox for the next start",
                options.DrainOnStop.TotalSeconds, $"{SyncOptions.SectionName}:DrainOnStop", store.PendingCount);
        }
        catch (Exception e) when (e is SyncPublishException or EdgeStoreException)
        {
            logger.LogWarning("Stopped draining: {Reason}; {Pending} records wait in the outbox for the next start", LogText.Escape(e.Message), store.PendingCount);
        }
    }

    /// <summary>The final report and the offline status, then a clean DISCONNECT (so the broker drops the last will).</summary>
    private async Task SayGoodbyeAsync(StatePublisher state)
    {
        using var timeout = new CancellationTokenSource(GoodbyeTimeout, time);
        using var goodbye = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abort);
        try
        {
            await state.ReportAsync(goodbye.Token).ConfigureAwait(false);
            await state.AnnounceAsync(online: false, goodbye.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                goodbye.Token).ConfigureAwait(false);
            logger.LogInformation("Disconnected from broker {Broker}", settings.Broker);
        }
        catch (Exception e)
        {
            // The broker sends the last will instead: the device shows offline either way.
            logger.LogWarning("Could not disconnect cleanly from broker {Broker}: {Reason}", settings.Broker, LogText.Escape(ConnectionTrouble.Describe(e)));
        }
    }
}
