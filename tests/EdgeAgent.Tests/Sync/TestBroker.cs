using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using EdgeMlops.Contracts;
using EdgeMlops.Messaging;
using EdgeMlops.EdgeAgent.Tests.Support;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

/// <summary>A message a client published, as the broker saw it.</summary>
internal sealed record ReceivedMessage(string ClientId, string Topic, byte[] Payload, bool Retain);

/// <summary>
/// A real MQTT broker (MQTTnet.Server) on a free loopback port. Records every publish it receives, lets a test decide
/// the PUBACK reason code per message, and can be stopped and started again on the same port.
/// </summary>
/// <remarks>
/// Like the hub's embedded broker, it takes device telemetry and samples itself (answering Success, not routing them),
/// unless <see cref="NoSubscriber"/> makes it behave like a standalone broker the hub is not subscribed to.
/// </remarks>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly X509Certificate2? _tlsCertificate;
    private MqttServer? _server;
    private bool _noSubscriber;

    private TestBroker(int port, X509Certificate2? tlsCertificate)
    {
        Port = port;
        _tlsCertificate = tlsCertificate;
    }

    public int Port { get; }

    public string Address => _tlsCertificate is null ? $"mqtt://127.0.0.1:{Port}" : $"mqtts://127.0.0.1:{Port}";

    /// <summary>Every publish received, in arrival order (refused ones included).</summary>
    public IReadOnlyList<ReceivedMessage> Received => [.. _received];

    /// <summary>
    /// Decides the PUBACK of each publish: return null to accept it, or a reason code to refuse it. May wait, which
    /// holds the PUBACK (and everything after it on that connection) back.
    /// </summary>
    public Func<ReceivedMessage, Task<MqttPubAckReasonCode?>>? Verdict { get; set; }

    /// <summary>
    /// When true, device telemetry and samples are routed like any message, and with nobody subscribed the broker answers
    /// NoMatchingSubscribers (0x10), as mosquitto does while the hub is not connected to it. When false (the default),
    /// they are consumed as the hub's ingest does and answered Success.
    /// </summary>
    public bool NoSubscriber { get => Volatile.Read(ref _noSubscriber); set => Volatile.Write(ref _noSubscriber, value); }

    /// <summary>When set, only clients presenting this password may connect; others get BadUserNameOrPassword.</summary>
    public string? RequiredPassword { get; set; }

    public static async Task<TestBroker> StartAsync(X509Certificate2? tlsCertificate = null)
    {
        var broker = new TestBroker(FreeTcpPort.Next(), tlsCertificate);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on the same port, with no sessions and no retained messages.</summary>
    public async Task RestartAsync()
    {
        if (_server is not null)
            throw new InvalidOperationException("the broker is running");
        var options = new MqttServerOptionsBuilder().WithPersistentSessions(true);
        options = _tlsCertificate is null
            ? options.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback).WithDefaultEndpointPort(Port)
                .WithDefaultEndpointReuseAddress()
            : options.WithoutDefaultEndpoint().WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(System.Net.IPAddress.Loopback)
                .WithEncryptedEndpointPort(Port).WithEncryptionCertificate(_tlsCertificate).WithTlsEndpointReuseAddress();
        var server = new MqttServerFactory().CreateMqttServer(options.Build());
        server.InterceptingPublishAsync += OnPublishAsync;
        server.ValidatingConnectionAsync += e =>
        {
            if (RequiredPassword is { } password && e.Password != password)
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        };
        await server.StartAsync();
        _server = server;
    }

    /// <summary>Stops the broker; its clients lose their connection.</summary>
    public async Task StopAsync()
    {
        if (_server is not { } server)
            return;
        _server = null;
        await server.StopAsync();
        server.Dispose();
    }

    /// <summary>Closes a client's connection from the broker's side: to the broker it is gone, so its last will goes out.</summary>
    public Task DropClientAsync(string clientId) =>
        Server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.AdministrativeAction });

    public async Task<IReadOnlyList<string>> ConnectedClientsAsync() => [.. (await Server.GetClientsAsync()).Select(c => c.Id)];

    /// <summary>The retained message on <paramref name="topic"/>, or null.</summary>
    public async Task<byte[]?> RetainedAsync(string topic) =>
        await Server.GetRetainedMessageAsync(topic) is { } message ? message.Payload.ToArray() : null;

    /// <summary>Publishes as the hub would: retained, QoS 1.</summary>
    public Task PublishRetainedAsync(string topic, byte[] payload) =>
        Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(payload).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())
        {
            SenderClientId = "hub",
        });

    /// <summary>A plain client subscribed to <paramref name="topicFilter"/>, recording what it gets, as the hub would see it.</summary>
    public async Task<Observer> ObserveAsync(string topicFilter)
    {
        var observer = new Observer(new MqttClientFactory().CreateMqttClient());
        await observer.StartAsync(Port, topicFilter);
        return observer;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _tlsCertificate?.Dispose();
    }

    private MqttServer Server => _server ?? throw new InvalidOperationException("the broker is stopped");

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = new ReceivedMessage(e.ClientId, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain);
        _received.Enqueue(message);
        if (Verdict is { } verdict && await verdict(message) is { } refusal)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = refusal;
            e.Response.ReasonString = $"test broker refused it ({refusal})";
        }
        else if (!NoSubscriber && IsDeviceOutbox(message.Topic))
        {
            // What the hub does: its ingest takes the message, and not routing it makes MQTTnet answer Success.
            e.ProcessPublish = false;
        }
    }

    private static bool IsDeviceOutbox(string topic) =>
        Topics.TryParse(topic, out var deviceTopic) && deviceTopic.Channel is DeviceChannel.Telemetry or DeviceChannel.Samples;

    /// <summary>A subscriber that records every message it receives.</summary>
    public sealed class Observer(IMqttClient client) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<ReceivedMessage> _messages = new();

        public IReadOnlyList<ReceivedMessage> Messages => [.. _messages];

        public async Task StartAsync(int port, string topicFilter)
        {
            client.ApplicationMessageReceivedAsync += e =>
            {
                _messages.Enqueue(new ReceivedMessage(e.ClientId, e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
                return Task.CompletedTask;
            };
            await client.ConnectAsync(BrokerClientOptions.For(new BrokerAddress("127.0.0.1", port, UseTls: false), $"observer-{Guid.NewGuid():N}").BuildWithLargeBuffers());
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        public async ValueTask DisposeAsync()
        {
            if (client.IsConnected)
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            client.Dispose();
        }
    }
}
