using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// The hub's own MQTT broker (MQTTnet.Server). Devices connect with their enrolled id and secret; each may publish
/// only on its own telemetry/samples/status/reported topics and subscribe only to its own desired (and status) topic;
/// operators may connect with their API token to watch alerts (<see cref="ObserverAccess"/>).
/// Every device message is ingested inside the publish interceptor: MQTTnet sends the PUBACK only after the
/// interceptor returned (MqttConnectedClient.HandleIncomingPublishPacket awaits the dispatch, then enqueues the
/// PUBACK), so a hub killed mid-ingest never acknowledged what it did not store.
/// </summary>
/// <remarks>
/// MQTTnet.Server 5.2 has no server-side maximum packet size (it buffers whatever a fixed header announces, up to the
/// protocol's 256 MB), so sockets come in through <see cref="GuardedSocketListener"/>: a CONNECT over a few KB or a
/// packet over the largest payload limit ends the connection unread; a payload over its own channel's limit still
/// reaches ingest, which refuses and counts it (0x99). MQTT 3.1.1 clients are refused at CONNECT: their PUBACK has no
/// reason code, so a refused or unstored publish would look stored to them and they would delete it.
/// </remarks>
public sealed class EmbeddedBroker : IHostedService, IBrokerStatus, IAsyncDisposable
{
    private readonly BrokerOptions _options;
    private readonly DeviceConnectionValidator _validator;
    private readonly IngestHandoff _ingest;
    private readonly DeviceRegistry _registry;
    private readonly BrokerMetrics _metrics;
    private readonly SessionFights _sessionFights;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly RateLimitedLog _refusalLog;
    // Live connections per client id: a device that reconnected before its old connection was noticed gone is not offline.
    private readonly ConcurrentDictionary<string, int> _connections = new(StringComparer.Ordinal);
    private MqttServer? _server;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;

    public EmbeddedBroker(
        IOptions<BrokerOptions> options,
        DeviceConnectionValidator validator,
        IngestHandoff ingest,
        DeviceRegistry registry,
        BrokerMetrics metrics,
        SessionFights sessionFights,
        TimeProvider time,
        ILogger<EmbeddedBroker> logger)
    {
        _options = options.Value;
        _validator = validator;
        _ingest = ingest;
        _registry = registry;
        _metrics = metrics;
        _sessionFights = sessionFights;
        _time = time;
        _logger = logger;
        _refusalLog = new RateLimitedLog(time, TimeSpan.FromSeconds(10));
    }

    public string Mode => "embedded";

    public string Endpoint => _options.Listen;

    public bool IsUp => _server?.IsStarted == true;

    public string? Problem => IsUp ? null : "the embedded MQTT broker is not running";

    /// <summary>The running server, for the desired-state publisher.</summary>
    internal MqttServer Server => _server ?? throw new InvalidOperationException("The embedded MQTT broker is not running.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ListenAddress.TryParse(_options.Listen, out var endpoint, out var problem))
            throw new HubConfigurationException($"{BrokerOptions.Section}:Listen", problem!);

        var factory = new MqttServerFactory();
        // MQTTnet's own listener is replaced by one that guards the door (caps, CONNECT timeout and size, TLS).
        var serverOptions = factory.CreateServerOptionsBuilder().WithoutDefaultEndpoint().WithPersistentSessions(true).Build();
        _certificate = _options.UsesTls ? LoadCertificate() : null;
        var listener = new GuardedSocketListener(endpoint, _options, _certificate, _metrics, _time, _logger);
        var server = factory.CreateMqttServer(serverOptions, [listener], factory.DefaultLogger);
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.ClientConnectedAsync += OnClientConnectedAsync;
        server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            server.Dispose();
            throw new HubConfigurationException($"{BrokerOptions.Section}:Listen",
                $"The embedded MQTT broker cannot listen on {_options.Listen} ({BrokerOptions.Section}:Listen): {ex.Message}", ex);
        }
        _server = server;
        _registry.CredentialWithdrawn += OnCredentialWithdrawn;
        _logger.LogInformation("Embedded MQTT broker listening on {Endpoint}{Tls}", _options.Listen, _certificate is null ? "" : " (TLS)");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var server = Interlocked.Exchange(ref _server, null);
        if (server is null) return;
        _registry.CredentialWithdrawn -= OnCredentialWithdrawn;
        try
        {
            await server.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            server.Dispose();
            _certificate?.Dispose();
        }
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate()
    {
        try
        {
            return PemCertificateFiles.Load(_options.Certificate!, _options.Key!);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or ArgumentException)
        {
            throw new HubConfigurationException($"{BrokerOptions.Section}:Certificate",
                $"{BrokerOptions.Section}:Certificate '{_options.Certificate}' and :Key '{_options.Key}' cannot be loaded: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Publishes a hub message (e.g. desired state) to the devices subscribed to it.</summary>
    internal Task InjectAsync(MqttApplicationMessage message, CancellationToken cancellationToken) =>
        Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = _options.ClientId }, cancellationToken);

    /// <summary>
    /// A revoked (or re-keyed) device loses its live session at once, rather than at its next connect: the credential
    /// is checked only then. Its publishes in between would be refused anyway (0x87, kept by the device).
    /// </summary>
    private void OnCredentialWithdrawn(string deviceId)
    {
        if (_server is not { } server)
            return;
        _ = DisconnectAsync(server, deviceId);
    }

    /// <summary>Disconnects <paramref name="deviceId"/> if it is connected; true when it was.</summary>
    internal async Task<bool> DisconnectAsync(MqttServer server, string deviceId)
    {
        try
        {
            var clients = await server.GetClientsAsync().ConfigureAwait(false);
            if (!clients.Any(c => string.Equals(c.Id, deviceId, StringComparison.Ordinal)))
                return false;
            await server.DisconnectClientAsync(deviceId, MqttDisconnectReasonCode.NotAuthorized).ConfigureAwait(false);
            _logger.LogInformation("Disconnected device {DeviceId}: its credential was revoked or replaced", deviceId);
            return true;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Could not disconnect device {DeviceId} after its credential was withdrawn", deviceId);
            return false;
        }
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        ConnectionRefusal refusal;
        try
        {
            refusal = e.ProtocolVersion < MQTTnet.Formatter.MqttProtocolVersion.V500
                ? ConnectionRefusal.UnsupportedProtocolVersion
                : _validator.Validate(e.ClientId, e.UserName, e.Password);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not check the credentials of client {ClientId} from {RemoteEndpoint}; refused as server unavailable", LogText.Escape(e.ClientId), e.RemoteEndPoint);
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return Task.CompletedTask;
        }
        if (refusal == ConnectionRefusal.None)
            return Task.CompletedTask;

        e.ReasonCode = refusal switch
        {
            ConnectionRefusal.ClientIdMismatch => MqttConnectReasonCode.ClientIdentifierNotValid,
            ConnectionRefusal.UnsupportedProtocolVersion => MqttConnectReasonCode.UnsupportedProtocolVersion,
            _ => MqttConnectReasonCode.BadUserNameOrPassword,
        };
        _metrics.ConnectionRefused(refusal);
        if (_refusalLog.ShouldLog("connect:" + refusal, out var suppressed))
            _logger.LogWarning("Refused an MQTT connection from {RemoteEndpoint}: {Reason} (client id {ClientId}, user {UserName}); {Suppressed} more refused for this reason since the last report",
                e.RemoteEndPoint, BrokerMetrics.Label(refusal), LogText.Escape(e.ClientId), LogText.Escape(e.UserName), suppressed);
        return Task.CompletedTask;
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // The hub's own messages (desired state) are injected with the server's session items; no device has those.
        if (ReferenceEquals(e.SessionItems, _server?.ServerSessionItems))
            return;
        // Ingest is where device messages go; nobody subscribes to them, and routing a copy would only cost memory.
        e.ProcessPublish = false;

        var message = e.ApplicationMessage;
        if (!DeviceAccessPolicy.MayPublish(e.ClientId, message.Topic, out var deviceTopic))
        {
            RefuseForeignTopic(e);
            return;
        }
        var answer = await _ingest.IngestAsync(deviceTopic, message.Topic, message.Payload, e.CancellationToken).ConfigureAwait(false);
        e.Response.ReasonCode = AckReasonCodes.PubAck(answer.Outcome);
        e.Response.ReasonString = answer.Reason;
        if (answer.Outcome == AckOutcome.Success && deviceTopic.Channel == DeviceChannel.Status && message.Retain)
            await KeepRetainedStatusAsync(message).ConfigureAwait(false);
    }

    private void RefuseForeignTopic(InterceptingPublishEventArgs e)
    {
        e.Response.ReasonCode = AckReasonCodes.PubAck(AckOutcome.NotAuthorized);
        e.Response.ReasonString = "a device may publish only on its own telemetry, samples, status and reported topics";
        _metrics.PublishRefused();
        _metrics.Acknowledged(AckOutcome.NotAuthorized);
        if (_refusalLog.ShouldLog("publish", out var suppressed))
            _logger.LogWarning("Refused a publish of client {ClientId} on {Topic}: not its own topic; {Suppressed} more refused since the last report",
                LogText.Escape(e.ClientId), LogText.Escape(e.ApplicationMessage.Topic), suppressed);
    }

    /// <summary>Keeps the device's retained status in the broker too, for the device's own status subscription.</summary>
    private async Task KeepRetainedStatusAsync(MqttApplicationMessage message)
    {
        if (_server is { } server)
            await server.UpdateRetainedMessageAsync(RetainedCopy(message)).ConfigureAwait(false);
    }

    // The packet's payload buffer is pooled and reused once the publish is handled; the retained store needs its own.
    private static MqttApplicationMessage RetainedCopy(MqttApplicationMessage message) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload.ToArray())
            .WithQualityOfServiceLevel(message.QualityOfServiceLevel)
            .WithRetainFlag()
            .Build();

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (DeviceAccessPolicy.MaySubscribe(e.ClientId, e.TopicFilter.Topic))
            return Task.CompletedTask;
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        e.Response.ReasonString = "a device may subscribe only to its own desired and status topics, an operator only to edgemlops/v1/alerts/...";
        _metrics.SubscriptionRefused();
        if (_refusalLog.ShouldLog("subscribe", out var suppressed))
            _logger.LogWarning("Refused a subscription of client {ClientId} to {TopicFilter}: not its own desired or status topic; {Suppressed} more refused since the last report",
                LogText.Escape(e.ClientId), LogText.Escape(e.TopicFilter.Topic), suppressed);
        return Task.CompletedTask;
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        _metrics.ClientConnected();
        _connections.AddOrUpdate(e.ClientId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    private async Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        _metrics.ClientDisconnected();
        var remaining = _connections.AddOrUpdate(e.ClientId, 0, (_, n) => Math.Max(0, n - 1));
        if (remaining == 0)
            _connections.TryRemove(new KeyValuePair<string, int>(e.ClientId, 0));
        if (e.DisconnectType == MqttClientDisconnectType.Takeover && DeviceIds.IsValid(e.ClientId))
            _sessionFights.TakenOver(e.ClientId);

        // A clean disconnect is preceded by the device's own offline status, and a takeover means it is still there.
        // After an unclean one MQTTnet dispatches the device's last will through the publish interceptor (so ingest
        // sees it), but a device without a will, or with a delayed one, would stay online in the store: record it here.
        if (e.DisconnectType != MqttClientDisconnectType.NotClean || remaining > 0 || !DeviceIds.IsValid(e.ClientId))
            return;
        await RecordOfflineAsync(e.ClientId).ConfigureAwait(false);
    }

    /// <summary>Records the device offline as its own offline status would: through the same handoff into ingest.</summary>
    private async Task RecordOfflineAsync(string deviceId)
    {
        var status = new DeviceStatus(deviceId, Online: false, At: _time.GetUtcNow());
        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(status, ContractsJsonContext.Default.DeviceStatus);
        var topic = Topics.Status(deviceId);
        var answer = await _ingest.IngestOnBehalfAsync(new DeviceTopic(deviceId, DeviceChannel.Status), topic, new ReadOnlySequence<byte>(payload), CancellationToken.None)
            .ConfigureAwait(false);
        if (answer.Outcome == AckOutcome.Success)
            _metrics.OfflineRecordedFromDisconnect();
        else
            _logger.LogError("Could not record device {DeviceId} offline after its connection dropped: {Reason}", deviceId, LogText.Escape(answer.Reason));
    }
}
