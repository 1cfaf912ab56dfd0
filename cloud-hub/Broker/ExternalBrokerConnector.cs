using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.Contracts;
using EdgeMlops.Messaging;
using EdgeMlops.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// The hub as a client of an external broker (Mosquitto, EMQX, ...): a persistent session (clean start off, long
/// session expiry) subscribed at QoS 1 to every device's telemetry, samples, status and reported topics, so the broker
/// queues what devices publish while the hub is away. Each message is acknowledged only after ingest returned
/// (MQTTnet 5 manual acknowledgement: <c>AutoAcknowledge = false</c>, then <c>AcknowledgeAsync</c>); a refused payload
/// is acknowledged with reason 0x99 (it was counted), a store failure is not acknowledged at all and the connection
/// is recycled, which makes the broker deliver the message again.
/// </summary>
public sealed class ExternalBrokerConnector : IHostedService, IBrokerStatus, IAsyncDisposable
{
    private static readonly DeviceChannel[] SubscribedChannels =
        [DeviceChannel.Telemetry, DeviceChannel.Samples, DeviceChannel.Status, DeviceChannel.Reported];

    private readonly BrokerOptions _options;
    private readonly IngestHandoff _ingest;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ExternalBrokerConnector> _logger;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BrokerAddress? _url;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _connectionEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _subscribed;
    // Set after a store failure left a message unacknowledged: later messages are left alone too until the
    // connection is recycled, so the broker redelivers them all in order.
    private volatile bool _recycling;
    private volatile string? _problem = "not connected yet";

    public ExternalBrokerConnector(IOptions<BrokerOptions> options, IngestHandoff ingest, BrokerMetrics metrics, TimeProvider time, ILogger<ExternalBrokerConnector> logger)
    {
        _options = options.Value;
        _ingest = ingest;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += e =>
        {
            _subscribed = false;
            _connectionEnded.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public string Mode => "external";

    public string Endpoint => _url?.ToString() ?? _options.Url ?? "";

    public bool IsUp => _subscribed && _client.IsConnected;

    public string? Problem => IsUp ? null : _problem ?? "not connected to the external broker";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.TryParseUrl(out var url, out var problem))
            throw new HubConfigurationException($"{BrokerOptions.Section}:Url", problem);
        _url = url;
        var clientOptions = BuildClientOptions(url, _options.ReadPassword());
        _loop = Task.Run(() => RunAsync(clientOptions, _stopping.Token), CancellationToken.None);
        try
        {
            // "Ready" should mean subscribed in the usual case; a broker that is down must not stop the hub, though.
            await _firstAttempt.Task.WaitAsync(_options.StartupConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Not connected to the external MQTT broker {Url} after {Timeout}; still trying in the background", url, _options.StartupConnectTimeout);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            // A normal DISCONNECT keeps the session (its expiry came with CONNECT): the broker queues for the hub from here.
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogDebug(ex, "Disconnecting from {Url} failed", Endpoint);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _client.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Publishes a hub message (e.g. desired state) on the external broker.</summary>
    internal async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
            throw new InvalidOperationException($"The hub is not connected to the external MQTT broker {Endpoint}; try again later.");
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        // 0x10 (no matching subscribers) is a success: the message is retained for the device's next subscription.
        if ((int)result.ReasonCode >= 0x80)
            throw new InvalidOperationException($"The external MQTT broker {Endpoint} refused the publish on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
    }

    private MqttClientOptions BuildClientOptions(BrokerAddress url, string? password)
    {
        var builder = BrokerClientOptions.For(url, _options.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(_options.Username))
            builder = builder.WithCredentials(_options.Username, password);
        return builder.BuildWithLargeBuffers();
    }

    private async Task RunAsync(MqttClientOptions clientOptions, CancellationToken stopping)
    {
        var backoff = new ExponentialBackoff(BackoffPolicy.HalfToFullStep(_options.ReconnectMinDelay, _options.ReconnectMaxDelay));
        var failuresInARow = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ConnectAndSubscribeAsync(clientOptions, stopping).ConfigureAwait(false);
                _metrics.ExternalBrokerConnected();
                backoff.Reset();
                failuresInARow = 0;
                _firstAttempt.TrySetResult();

                await _connectionEnded.Task.WaitAsync(stopping).ConfigureAwait(false);
                _subscribed = false;
                _problem = _recycling ? "reconnecting after a store failure" : "the connection to the external broker was lost";
                _logger.LogWarning("Connection to the external MQTT broker {Url} ended ({Why}); reconnecting", Endpoint, _problem);
                if (_client.IsConnected)
                    await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _subscribed = false;
                _problem = $"cannot connect to the external broker {Endpoint}: {ex.Message}";
                _metrics.ExternalBrokerConnectFailed();
                if (failuresInARow++ == 0)
                    _logger.LogWarning("Cannot connect to the external MQTT broker {Url} as {ClientId}: {Reason}; retrying with backoff", Endpoint, _options.ClientId, ex.Message);
                else
                    _logger.LogDebug(ex, "Connecting to {Url} failed again ({Failures} in a row)", Endpoint, failuresInARow);
                _firstAttempt.TrySetResult();
                await DisconnectQuietlyAsync().ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConnectAndSubscribeAsync(MqttClientOptions clientOptions, CancellationToken stopping)
    {
        _connectionEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _recycling = false;
        var connected = await _client.ConnectAsync(clientOptions, stopping).ConfigureAwait(false);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var channel in SubscribedChannels)
            subscribe = subscribe.WithTopicFilter(Topics.AllDevices(channel), MqttQualityOfServiceLevel.AtLeastOnce,
                noLocal: true, retainAsPublished: false, MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly);
        var subscribed = await _client.SubscribeAsync(subscribe.Build(), stopping).ConfigureAwait(false);
        var refused = subscribed.Items.Where(i => i.ResultCode != MqttClientSubscribeResultCode.GrantedQoS1).ToList();
        if (refused.Count > 0)
            throw new InvalidOperationException("the broker refused the subscriptions " +
                string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")) + "; check the hub account's ACL");

        _subscribed = true;
        _problem = null;
        _logger.LogInformation("Connected to the external MQTT broker {Url} as {ClientId} (session present: {SessionPresent}); subscribed to device topics",
            Endpoint, _options.ClientId, connected.IsSessionPresent);
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            if (_client.IsConnected)
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Disconnecting from {Url} failed", Endpoint);
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Acknowledge only once the message is stored: see the class remarks.
        e.AutoAcknowledge = false;
        if (_recycling || _stopping.IsCancellationRequested)
            return;

        var message = e.ApplicationMessage;
        if (!IngestAdmission.TryReadTopic(message.Topic, out var deviceTopic))
        {
            // Not something the subscriptions ask for; nothing to store, and holding it back would only block the session.
            await AcknowledgeAsync(e).ConfigureAwait(false);
            return;
        }

        IngestAnswer answer;
        try
        {
            answer = await _ingest.IngestAsync(deviceTopic, message.Topic, message.Payload, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: left unacknowledged, the broker keeps it for the next session
        }

        if (answer.Outcome == AckOutcome.UnspecifiedError)
        {
            _recycling = true;
            _connectionEnded.TrySetResult();
            return;
        }
        // The device's own PUBACK comes from the external broker; these codes tell the broker (and its logs) why.
        e.ReasonCode = AckReasonCodes.Received(answer.Outcome);
        e.ResponseReasonString = answer.Reason;
        await AcknowledgeAsync(e).ConfigureAwait(false);
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            await e.AcknowledgeAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection went away between ingest and PUBACK: the broker delivers again and ingest deduplicates.
            _logger.LogDebug(ex, "Could not acknowledge a message on {Topic}", e.ApplicationMessage.Topic);
        }
    }
}
