using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Publishes the state the hub wants a device in: retained, QoS 1, on the device's desired topic, so the device gets
/// it when it subscribes and again after every reconnect. Only the hub writes desired topics.
/// </summary>
public interface IDesiredStatePublisher
{
    /// <exception cref="InvalidOperationException">The broker side is not up (not started, or not connected to the external broker); try again later.</exception>
    Task PublishAsync(DesiredState state, CancellationToken cancellationToken);
}
