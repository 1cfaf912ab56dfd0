using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Operators watching alerts over MQTT on the embedded broker ("observers"): user name = the operator's name, password =
/// the operator's API token (any role: reading alerts is a read, as <c>GET /api/alerts</c> is for a viewer), client id
/// = <c>operator:&lt;name&gt;</c>. E.g.
/// <c>mosquitto_sub -V mqttv5 -h HUB -p 1883 -i operator:alice -u alice -P "$TOKEN" -t 'edgemlops/v1/alerts/#' -v</c>.
/// An observer may subscribe under <c>edgemlops/v1/alerts/</c> only and publish nothing; devices' data stays hidden.
/// </summary>
/// <remarks>
/// The client id prefix cannot collide with a device (<c>:</c> is not allowed in device ids), so no observer can take
/// over a device's persistent session, and the exact <c>operator:&lt;name&gt;</c> keeps operators out of each other's.
/// </remarks>
public static class ObserverAccess
{
    public const string ClientIdPrefix = "operator:";

    private const string AlertsPrefix = Topics.Root + "/alerts/";

    /// <summary>Whether the client id is an observer's (only observers can connect with one).</summary>
    public static bool IsObserver(string? clientId) => clientId is not null && clientId.StartsWith(ClientIdPrefix, StringComparison.Ordinal);

    /// <summary>The client id operator <paramref name="operatorName"/> must connect with.</summary>
    public static string ClientIdOf(string operatorName) => ClientIdPrefix + operatorName;

    /// <summary>Whether an observer may subscribe to <paramref name="topicFilter"/>: a filter inside the alerts tree.</summary>
    public static bool MaySubscribe(string? topicFilter) =>
        topicFilter is not null
        && (topicFilter == Topics.AllAlerts || topicFilter.StartsWith(AlertsPrefix, StringComparison.Ordinal));
}
