using System.Buffers;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Store-and-forward to the hub: keeps a persistent MQTT session to the broker (reconnecting with backoff and jitter),
/// drains the outbox oldest-first (<see cref="OutboxDrain"/>), announces the device online (retained; the last will
/// says offline), reports its state, and listens to its desired topic (<see cref="DesiredStateStore"/>).
/// </summary>
/// <remarks>
/// <para>On stop, registered before the telemetry writer so that it stops after it: what the pipeline and the writer
/// flushed is drained for up to <see cref="SyncOptions.DrainOnStop"/>, then the final report and the offline status go
/// out and the connection closes cleanly (no last will).</para>
/// <para>A hosted service with its own loop rather than a BackgroundService, for the reason given on
/// <see cref="TelemetryWriter"/>. Nothing escapes the loop: failures are logged and retried.</para>
/// </remarks>
public sealed class MqttSyncService : IHostedService, IDisposable
{
    // How often an idle drain looks for new records; the check reads two counters, not the file.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    // Time allowed, after the drain window, for the final report, the offline status and the DISCONNECT.
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly SyncOptions _options;
    private readonly string _deviceId;
    private readonly EdgeStore _store;
    private readonly SyncProgress _progress;
    private readonly DesiredStateStore _desired;
    private readonly IModelIdentity _model;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttSyncService> _logger;
    private readonly MqttClientFactory _clientFactory = new();
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly CancellationTokenSource _abort = new();

    // Topics the broker had no subscriber for (PUBACK 0x10) since it last acknowledged records (AckedRecords then);
    // only the connection loop touches them.
    private readonly HashSet<string> _noSubscriberTopics = new(StringComparer.Ordinal);
    private long _noSubscriberAcked;

    private SyncConnectionSettings? _settings;
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public MqttSyncService(IOptions<SyncOptions> options, IOptions<AgentOptions> agent, EdgeStore store, SyncProgress progress,
        DesiredStateStore desired, IModelIdentity model, TimeProvider time, ILogger<MqttSyncService> logger)
    {
        _options = options.Value;
        _deviceId = agent.Value.DeviceId;
        _store = store;
        _progress = progress;
        _desired = desired;
        _model = model;
        _time = time;
        _logger = logger;
    }

    /// <summary>The connection loop; completes after <see cref="StopAsync"/>.</summary>
    internal Task Running => _running;

    /// <summary>Resolves the connection settings (reading the password and CA files) and starts the loop in the background.</summary>
    /// <exception cref="InvalidOperationException">A setting is wrong or a file cannot be read; the message names the key.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Sync is off ({Key} = false): telemetry stays in the outbox", $"{SyncOptions.SectionName}:Enabled");
            return Task.CompletedTask;
        }
        _settings = SyncConnectionSettings.Load(_options, _deviceId);
        _progress.SetBroker(_settings.Broker.ToString());
        _running = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Drains what is left for up to <see cref="SyncOptions.DrainOnStop"/>, says goodbye and disconnects.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopRequested.Cancel();
        using var giveUp = cancellationToken.Register(_abort.Cancel);
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Sync did not finish stopping in time; {Pending} records wait in the outbox", _store.PendingCount);
        }
    }

    /// <summary>Ends the loop at once if it still runs; the container may call this more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _abort.Cancel();
        _stopRequested.Cancel();
    }

    private async Task RunAsync()
    {
        var settings = _settings!;
        var trouble = new ConnectionTrouble(settings, _time, _logger);
        var backoff = new ExponentialBackoff(_options.Reconnect.ToBackoffPolicy());
        var packer = new OutboxPacker(_deviceId, _options.BatchRecords);
        var messages = new DeviceMessages(_deviceId, _store, _model, _desired, _time, _logger);
        var listener = new DesiredStateListener(_deviceId, _desired, _progress, _logger);
        var sessions = 0;
        while (!_stopRequested.IsCancellationRequested)
        {
            var client = await TryConnectAsync(settings, messages, listener, trouble).ConfigureAwait(false);
            if (client is null)
            {
                await DelayAsync(backoff.Next(), _stopRequested.Token).ConfigureAwait(false);
                continue;
            }
            backoff.Reset();
            trouble.Connected();
            try
            {
                await RunSessionAsync(client, settings, packer, messages, isReconnect: sessions++ > 0).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttConnectionLostException || (e is not OperationCanceledException && !client.IsConnected))
            {
                _logger.LogWarning("Connection to broker {Broker} lost: {Reason}; {Pending} records wait in the outbox",
                    settings.Broker, ConnectionTrouble.Describe(e), _store.PendingCount);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                _logger.LogError(e, "Sync with broker {Broker} failed unexpectedly; reconnecting", settings.Broker);
            }
            catch (OperationCanceledException)
            {
                // Aborted: the host's stop timeout ran out.
            }
            finally
            {
                _progress.SetConnected(false);
                client.Dispose();
            }
            if (!_stopRequested.IsCancellationRequested)
                await DelayAsync(backoff.Next(), _stopRequested.Token).ConfigureAwait(false);
        }
    }

    private async Task<IMqttClient?> TryConnectAsync(SyncConnectionSettings settings, DeviceMessages messages,
        DesiredStateListener listener, ConnectionTrouble trouble)
    {
        var client = _clientFactory.CreateMqttClient();
        // Before connecting: a resumed session may deliver the desired state as soon as the broker accepts us.
        client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload;
            listener.OnMessage(e.ApplicationMessage.Topic, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
            return Task.CompletedTask;
        };
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopRequested.Token, _abort.Token);
        try
        {
            var result = await client.ConnectAsync(settings.BuildClientOptions(messages.Status(online: false)), attempt.Token).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
                return client;
            trouble.Refused(result);
        }
        catch (OperationCanceledException) when (_stopRequested.IsCancellationRequested || _abort.IsCancellationRequested)
        {
            // Stopping: nothing to drain over a connection that never came up.
        }
        catch (Exception e)
        {
            trouble.Failed(timeout.IsCancellationRequested
                ? new TimeoutException($"no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s ({SyncOptions.SectionName}:ConnectTimeout)", e)
                : e);
        }
        if (!_stopRequested.IsCancellationRequested)
            _progress.ConnectFailed();
        client.Dispose();
        return null;
    }

    private async Task RunSessionAsync(IMqttClient client, SyncConnectionSettings settings, OutboxPacker packer, DeviceMessages messages,
        bool isReconnect)
    {
        // Not disposed: the client may still raise DisconnectedAsync while it is being disposed after the session.
        var lost = new CancellationTokenSource();
        MqttClientDisconnectedEventArgs? disconnect = null;
        client.DisconnectedAsync += e =>
        {
            disconnect = e;
            lost.Cancel();
            return Task.CompletedTask;
        };
        if (!client.IsConnected)
            lost.Cancel();
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(lost.Token, _abort.Token);
        var token = connection.Token;

        await PublishStateAsync(client, Topics.Status(_deviceId), messages.Status(online: true), retain: true, token).ConfigureAwait(false);
        await SubscribeDesiredAsync(client, token).ConfigureAwait(false);
        _progress.SetConnected(true, isReconnect);
        _logger.LogInformation("Connected to broker {Broker} as {ClientId}; {Pending} records to send", settings.Broker, _deviceId, _store.PendingCount);
        await PublishStateAsync(client, Topics.Reported(_deviceId), messages.Report(), retain: false, token).ConfigureAwait(false);
        var nextReport = _time.GetUtcNow() + _options.ReportInterval;

        var drain = new OutboxDrain(client, _store, packer, _progress, _logger, _options.BatchRecords, _options.MaxInFlight, token);
        var retry = new ExponentialBackoff(_options.Reconnect.ToBackoffPolicy());
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(token, _stopRequested.Token);
        while (!_stopRequested.IsCancellationRequested && !token.IsCancellationRequested)
        {
            try
            {
                var acked = _progress.AckedRecords;
                var read = drain.HasWork ? await drain.PumpAsync(wake.Token).ConfigureAwait(false) : 0;
                // Records read are not yet progress: after a refusal, they may be refused again. Acknowledged ones are.
                if (read == 0 || _progress.AckedRecords > acked)
                    retry.Reset();
                if (read == 0)
                    await DelayAsync(Min(IdlePoll, nextReport - _time.GetUtcNow()), wake.Token).ConfigureAwait(false);
                SubscriberBackIfDelivered(settings);
                if (_time.GetUtcNow() >= nextReport)
                {
                    await PublishStateAsync(client, Topics.Reported(_deviceId), messages.Report(), retain: false, token).ConfigureAwait(false);
                    nextReport = _time.GetUtcNow() + _options.ReportInterval;
                }
            }
            catch (OperationCanceledException) when (_stopRequested.IsCancellationRequested && !token.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested)
            {
                throw new MqttConnectionLostException(DescribeLoss(disconnect, null), null);
            }
            catch (SyncPublishException e) when (e.Outcome is { Verdict: PublishVerdict.Refused, NoSubscriber: true })
            {
                drain.Rewind();
                var delay = retry.Next();
                NoSubscriber(settings, e.OutboxMessage, e.Outcome, delay);
                await DelayAsync(delay, wake.Token).ConfigureAwait(false);
            }
            catch (SyncPublishException e) when (e.Outcome.Verdict == PublishVerdict.Refused)
            {
                drain.Rewind();
                var delay = retry.Next();
                _logger.LogError("Broker {Broker} refused {MessageKind} {SeqRange} ({Reason}); the records stay in the outbox, trying again in {Delay:0.#} s",
                    settings.Broker, e.OutboxMessage.IsSample ? "sample" : "telemetry batch", e.OutboxMessage.SeqRange, e.Outcome.Detail, delay.TotalSeconds);
                await DelayAsync(delay, wake.Token).ConfigureAwait(false);
            }
            catch (SyncPublishException e)
            {
                // Not acknowledged: the connection is gone (or going). The next session sends the records again.
                throw new MqttConnectionLostException(DescribeLoss(disconnect, e), e);
            }
            catch (EdgeStoreException e)
            {
                drain.Rewind();
                var delay = retry.Next();
                _logger.LogWarning("Sync cannot use the telemetry store ({Problem}): {Reason}; trying again in {Delay:0.#} s",
                    e.Problem, e.Reason, delay.TotalSeconds);
                await DelayAsync(delay, wake.Token).ConfigureAwait(false);
            }
        }
        _abort.Token.ThrowIfCancellationRequested();
        if (lost.IsCancellationRequested)
            throw new MqttConnectionLostException(DescribeLoss(disconnect, null), null);
        await SayGoodbyeAsync(client, drain, messages, token).ConfigureAwait(false);
    }

    /// <summary>Drains what the stopping pipeline left for up to DrainOnStop, then reports, marks the device offline and disconnects cleanly.</summary>
    private async Task SayGoodbyeAsync(IMqttClient client, OutboxDrain drain, DeviceMessages messages, CancellationToken connection)
    {
        using (var window = new CancellationTokenSource(_options.DrainOnStop, _time))
        using (var draining = CancellationTokenSource.CreateLinkedTokenSource(window.Token, connection))
        {
            try
            {
                while (drain.HasWork)
                    await drain.PumpAsync(draining.Token).ConfigureAwait(false);
                _logger.LogInformation("Outbox drained before stopping; {Pending} records left", _store.PendingCount);
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested)
            {
                _logger.LogInformation("Stopped draining after {DrainOnStop:0.#} s ({Key}); {Pending} records wait in the outbox for the next start",
                    _options.DrainOnStop.TotalSeconds, $"{SyncOptions.SectionName}:DrainOnStop", _store.PendingCount);
            }
            catch (Exception e) when (e is SyncPublishException or EdgeStoreException)
            {
                _logger.LogWarning("Stopped draining: {Reason}; {Pending} records wait in the outbox for the next start", e.Message, _store.PendingCount);
            }
        }
        using var timeout = new CancellationTokenSource(GoodbyeTimeout, _time);
        using var goodbye = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _abort.Token);
        try
        {
            await PublishStateAsync(client, Topics.Reported(_deviceId), messages.Report(), retain: false, goodbye.Token).ConfigureAwait(false);
            await PublishStateAsync(client, Topics.Status(_deviceId), messages.Status(online: false), retain: true, goodbye.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                goodbye.Token).ConfigureAwait(false);
            _logger.LogInformation("Disconnected from broker {Broker}", _settings!.Broker);
        }
        catch (Exception e)
        {
            // The broker sends the last will instead: the device shows offline either way.
            _logger.LogWarning("Could not disconnect cleanly from broker {Broker}: {Reason}", _settings!.Broker, ConnectionTrouble.Describe(e));
        }
    }

    /// <summary>
    /// An outbox message reached no subscriber (PUBACK 0x10): warns once per outage and topic, then only at debug level
    /// while the outage lasts, that is until the broker acknowledges records again.
    /// </summary>
    private void NoSubscriber(SyncConnectionSettings settings, OutboxMessage message, PublishOutcome outcome, TimeSpan delay)
    {
        var acked = _progress.AckedRecords;
        if (acked > _noSubscriberAcked)
            _noSubscriberTopics.Clear();
        _noSubscriberAcked = acked;
        if (_noSubscriberTopics.Add(message.Topic))
            _logger.LogWarning(
                "Broker {Broker} has no subscriber for {Topic} (is the hub connected to it?); records kept: {MessageKind} {SeqRange} and everything after it stay in the outbox ({Pending} records, {Detail}), trying again with backoff",
                settings.Broker, message.Topic, message.IsSample ? "sample" : "telemetry batch", message.SeqRange, _store.PendingCount, outcome.Detail);
        else
            _logger.LogDebug("Broker {Broker} still has no subscriber for {Topic}; {SeqRange} kept, trying again in {Delay:0.#} s",
                settings.Broker, message.Topic, message.SeqRange, delay.TotalSeconds);
    }

    /// <summary>Ends a no-subscriber outage once the broker has acknowledged records since it was last seen.</summary>
    private void SubscriberBackIfDelivered(SyncConnectionSettings settings)
    {
        if (_noSubscriberTopics.Count == 0 || _progress.AckedRecords <= _noSubscriberAcked)
            return;
        _logger.LogInformation("Broker {Broker} has a subscriber for {Topics} again; sending the records kept in the outbox",
            settings.Broker, string.Join(", ", _noSubscriberTopics));
        _noSubscriberTopics.Clear();
    }

    private async Task SubscribeDesiredAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var topic = Topics.Desired(_deviceId);
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
                _logger.LogError("Broker {Broker} refused the subscription to {Topic} ({ResultCode}): desired state will not arrive",
                    _settings!.Broker, topic, item.ResultCode);
        }
    }

    private async Task PublishStateAsync(IMqttClient client, string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var outcome = PublishOutcome.FromState(await client.PublishAsync(message, cancellationToken).ConfigureAwait(false));
        if (outcome.Verdict != PublishVerdict.Delivered)
            _logger.LogWarning("Broker {Broker} did not accept the message on {Topic}: {Detail}", _settings!.Broker, topic, outcome.Detail);
    }

    private string DescribeLoss(MqttClientDisconnectedEventArgs? disconnect, Exception? failure) => disconnect switch
    {
        { Exception: { } e } => $"{disconnect.Reason}: {ConnectionTrouble.Describe(e)}",
        { } => string.IsNullOrEmpty(disconnect.ReasonString) ? disconnect.Reason.ToString() : $"{disconnect.Reason}: {disconnect.ReasonString}",
        null when failure is not null => ConnectionTrouble.Describe(failure),
        _ => "disconnected",
    };

    /// <summary>Waits, unless <paramref name="cancellationToken"/> ends the wait early (which is not an error here).</summary>
    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
            return;
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
