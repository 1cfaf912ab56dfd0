using System.Text.Json;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// Puts an alert's retained message on its topic (<see cref="Topics.AlertOf"/>), or clears it (an empty retained
/// payload, which MQTT brokers take as "forget the retained message").
/// </summary>
public interface IAlertPublisher
{
    bool IsUp { get; }

    /// <param name="message">The alert as it stands; null clears the topic.</param>
    Task PublishAsync(string topic, AlertMessage? message, CancellationToken cancellationToken);
}

/// <summary>The MQTT message of an alert: retained, QoS 1, JSON; or the empty retained payload that clears the topic.</summary>
public static class AlertMqttMessage
{
    public static MqttApplicationMessage Create(string topic, AlertMessage? message) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(message is null ? [] : JsonSerializer.SerializeToUtf8Bytes(message, ContractsJsonContext.Default.AlertMessage))
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
}

/// <summary>Through the embedded broker: injected as the hub, kept in its retained store (memory only: republished after a start).</summary>
public sealed class EmbeddedAlertPublisher(EmbeddedBroker broker) : IAlertPublisher
{
    public bool IsUp => broker.IsUp;

    public Task PublishAsync(string topic, AlertMessage? message, CancellationToken cancellationToken) =>
        broker.InjectAsync(AlertMqttMessage.Create(topic, message), cancellationToken);
}

/// <summary>Through the hub's connection to the external broker, whose ACL lets the hub account write <c>edgemlops/v1/#</c>.</summary>
public sealed class ExternalAlertPublisher(ExternalBrokerConnector connector) : IAlertPublisher
{
    public bool IsUp => connector.IsUp;

    public Task PublishAsync(string topic, AlertMessage? message, CancellationToken cancellationToken) =>
        connector.PublishAsync(AlertMqttMessage.Create(topic, message), cancellationToken);
}
