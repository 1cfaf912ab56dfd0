using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>What a connected device may publish and subscribe to: only its own topics, keyed on its client id.</summary>
public static class DeviceAccessPolicy
{
    /// <summary>
    /// Whether <paramref name="clientId"/> may publish on <paramref name="topic"/>: its own telemetry, samples, status
    /// or reported topic. Desired is written by the hub only, so no device may publish it.
    /// </summary>
    public static bool MayPublish(string? clientId, string? topic, out DeviceTopic deviceTopic) =>
        Topics.TryParse(topic, out deviceTopic)
        && string.Equals(deviceTopic.DeviceId, clientId, StringComparison.Ordinal)
        && deviceTopic.Channel is DeviceChannel.Telemetry or DeviceChannel.Samples or DeviceChannel.Status or DeviceChannel.Reported;

    /// <summary>
    /// Whether <paramref name="clientId"/> may subscribe to <paramref name="topicFilter"/>: exactly its own desired or
    /// status topic. Wildcards never match a device topic here (a device id cannot contain them), so they are refused.
    /// An observer (<see cref="ObserverAccess"/>) may subscribe to alerts only.
    /// </summary>
    public static bool MaySubscribe(string? clientId, string? topicFilter) =>
        ObserverAccess.IsObserver(clientId)
            ? ObserverAccess.MaySubscribe(topicFilter)
            : Topics.TryParse(topicFilter, out var deviceTopic)
              && string.Equals(deviceTopic.DeviceId, clientId, StringComparison.Ordinal)
              && deviceTopic.Channel is DeviceChannel.Desired or DeviceChannel.Status;
}
