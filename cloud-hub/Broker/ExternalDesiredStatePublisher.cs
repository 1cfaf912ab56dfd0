using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Publishes desired state on the external broker through the hub's connection (its ACL allows the hub account).</summary>
public sealed class ExternalDesiredStatePublisher(ExternalBrokerConnector connector) : IDesiredStatePublisher
{
    public Task PublishAsync(DesiredState state, CancellationToken cancellationToken) =>
        connector.PublishAsync(DesiredStateMessage.Create(state), cancellationToken);
}
