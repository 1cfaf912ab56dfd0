using System.Buffers;
using System.Collections.Concurrent;
using EdgeMlops.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>A device (or an intruder) as the broker sees it: a real MQTTnet 5 client speaking MQTT 5.</summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private TestDevice(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue(new ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects, or returns the broker's refusal.</summary>
    public static async Task<(TestDevice? Device, MqttClientConnectResultCode Result)> TryConnectAsync(
        int port, string clientId, string? userName, string? password, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var builder = BrokerClientOptions.For(new BrokerAddress("127.0.0.1", port, UseTls: false), clientId)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (userName is not null)
            builder.WithCredentials(userName, password);
        configure?.Invoke(builder);
        try
        {
            var result = await client.ConnectAsync(builder.BuildWithLargeBuffers());
            if (result.ResultCode == MqttClientConnectResultCode.Success)
                return (new TestDevice(client), result.ResultCode);
            client.Dispose();
            return (null, result.ResultCode);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException)
        {
            // MQTTnet 5 returns refusals as results; this is a connection that failed below MQTT.
            client.Dispose();
            return (null, MqttClientConnectResultCode.UnspecifiedError);
        }
    }

    public static async Task<TestDevice> ConnectAsync(int port, string deviceId, string secret, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var (device, result) = await TryConnectAsync(port, deviceId, deviceId, secret, configure);
        return device ?? throw new InvalidOperationException($"{deviceId} could not connect: {result}");
    }

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain = false) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return result.Items.Single().ResultCode;
    }

    public Task DisconnectAsync() => _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
                await DisconnectAsync();
        }
        catch (Exception)
        {
            // already gone
        }
        _client.Dispose();
    }
}

internal sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retain);
