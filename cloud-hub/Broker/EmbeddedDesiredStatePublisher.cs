using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Publishes desired state through the embedded broker (injected, so the publish ACL lets it through).</summary>
public sealed class EmbeddedDesiredStatePublisher(EmbeddedBroker broker) : IDesiredStatePublisher
{
    public Task PublishAsync(DesiredState state, CancellationToken cancellationToken)
    {
        var message = DesiredStateMessage.Create(state);
        if (!broker.IsUp)
            throw new InvalidOperationException("The embedded MQTT broker is not running; desired state cannot be published now.");
        return broker.InjectAsync(message, cancellationToken);
    }
}
