using System.Buffers;
using EdgeMlops.Contracts.Text;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Resilience;
using MQTTnet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Store-and-forward to the hub: keeps a persistent MQTT session to the broker (reconnecting with backoff and jitter),
/// and over each connection runs a <see cref="SyncSession"/>, which drains the outbox oldest-first, announces the device
/// online (retained; the last will says offline), reports its state, and listens to its desired topic
/// (<see cref="DesiredStateStore"/>).
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
    private readonly SyncOptions _options;
    private readonly string _deviceId;
    private readonly EdgeStore _store;
    private readonly SyncProgress _progress;
    private readonly DesiredStateStore _desired;
    private readonly IModelIdentity _model;
    private readonly Models.DeploymentStatus? _deployment;
    private readonly ReviewedPrecisionBook? _reviewed;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttSyncService> _logger;
    private readonly MqttClientFactory _clientFactory = new();
    private readonly CancellationTokenSource _stopRequested = new();
    // Ends the new-epoch follower once the loop (and its drain on stop) is over.
    private readonly CancellationTokenSource _followerStop = new();
    private Task _following = Task.CompletedTask;
    private readonly CancellationTokenSource _abort = new();

    private SyncConnectionSettings? _settings;
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public MqttSyncService(IOptions<SyncOptions> options, IOptions<AgentOptions> agent, EdgeStore store, SyncProgress progress,
        DesiredStateStore desired, IModelIdentity model, TimeProvider time, ILogger<MqttSyncService> logger,
        Models.DeploymentStatus? deployment = null, ReviewedPrecisionBook? reviewed = null)
    {
        _deployment = deployment;
        _reviewed = reviewed;
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
        _following = new OutboxEpochFollower(_desired, _store, _progress, _logger).RunAsync(_followerStop.Token);
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
        finally
        {
            _followerStop.Cancel();
        }
        await _following.ConfigureAwait(false);
    }

    /// <summary>Ends the loop at once if it still runs; the container may call this more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _abort.Cancel();
        _stopRequested.Cancel();
        _followerStop.Cancel();
    }

    private async Task RunAsync()
    {
        var settings = _settings!;
        var trouble = new ConnectionTrouble(settings, _time, _logger);
        var backoff = new ExponentialBackoff(_options.Reconnect.ToBackoffPolicy());
        var packer = new OutboxPacker(_deviceId, _options.BatchRecords);
        var messages = new DeviceMessages(_deviceId, _store, _model, _desired, _time, _logger, _deployment, _reviewed);
        var listener = new DesiredStateListener(_deviceId, _desired, _progress, _logger);
        var outage = new NoSubscriberOutage(settings.Broker, _store, _progress, _logger);
        var quota = new QuotaOutage(settings.Broker, _store, _progress, _logger);
        var sessions = 0;
        while (!_stopRequested.IsCancellationRequested)
        {
            var client = await TryConnectAsync(settings, messages, listener, trouble).ConfigureAwait(false);
            if (client is null)
            {
                await QuietDelay.WaitAsync(backoff.Next(), _time, _stopRequested.Token).ConfigureAwait(false);
                continue;
            }
            backoff.Reset();
            trouble.Connected();
            var session = new SyncSession(client, settings, _options, _store, _progress, packer, messages, outage, quota, _time, _logger,
                _stopRequested.Token, _abort.Token, _deployment);
            try
            {
                await session.RunAsync(isReconnect: sessions++ > 0).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttConnectionLostException || (e is not OperationCanceledException && !client.IsConnected))
            {
                _logger.LogWarning("Connection to broker {Broker} lost: {Reason}; {Pending} records wait in the outbox",
                    settings.Broker, LogText.Escape(ConnectionTrouble.Describe(e)), _store.PendingCount);
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
                await QuietDelay.WaitAsync(backoff.Next(), _time, _stopRequested.Token).ConfigureAwait(false);
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
}
