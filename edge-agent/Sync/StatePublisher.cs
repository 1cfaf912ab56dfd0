using EdgeMlops.Contracts;
using EdgeMlops.Messaging;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>The device's state on one connection: its retained status, its reported state, and its desired-state subscription.</summary>
internal sealed class StatePublisher(IMqttClient client, string deviceId, DeviceMessages messages, BrokerAddress broker, ILogger logger)
{
    /// <summary>Publishes the retained online (or offline) status.</summary>
    public Task AnnounceAsync(bool online, CancellationToken cancellationToken) =>
        PublishAsync(Topics.Status(deviceId), messages.Status(online), retain: true, cancellationToken);

    /// <summary>Publishes the reported state: model, backlog, desired revision.</summary>
    public Task ReportAsync(CancellationToken cancellationToken) =>
        PublishAsync(Topics.Reported(deviceId), messages.Report(), retain: false, cancellationToken);

    public async Task SubscribeDesiredAsync(CancellationToken cancellationToken)
    {
        var topic = Topics.Desired(deviceId);
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
                logger.LogError("Broker {Broker} refused the subscription to {Topic} ({ResultCode}): desired state will not arrive",
                    broker, topic, item.ResultCode);
        }
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var outcome = PublishOutcome.FromState(await client.PublishAsync(message, cancellationToken).ConfigureAwait(false));
        if (outcome.Verdict != PublishVerdict.Delivered)
            logger.LogWarning("Broker {Broker} did not accept the message on {Topic}: {Detail}", broker, topic, outcome.Detail);
    }
}
