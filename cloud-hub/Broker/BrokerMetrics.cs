using System.Collections.Concurrent;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>How the hub answered a device message: the PUBACK reason (embedded) or the acknowledgement (external).</summary>
public enum AckOutcome
{
    /// <summary>Stored (or a duplicate of something stored): acknowledged with success.</summary>
    Success,

    /// <summary>A bad payload, counted and acknowledged with 0x99 so the device drops it.</summary>
    PayloadFormatInvalid,

    /// <summary>The store failed: 0x80 on the embedded broker, no acknowledgement on an external one; the device sends it again.</summary>
    UnspecifiedError,

    /// <summary>Not the device's own topic, or the device is not (or no longer) enrolled: 0x87, nothing stored, the device keeps it.</summary>
    NotAuthorized,

    /// <summary>A version this hub does not read: 0x83, nothing stored; the device keeps it for a hub that does.</summary>
    ImplementationSpecificError,

    /// <summary>The device's sample quota is used up: 0x97, nothing stored; the device keeps it and tries later.</summary>
    QuotaExceeded,
}

/// <summary>The broker side's counters, exposed on the hub's metrics endpoint.</summary>
public sealed class BrokerMetrics : IMetricsSource
{
    private readonly ConcurrentDictionary<ConnectionRefusal, long> _refusedConnections = new();
    private readonly ConcurrentDictionary<DeviceChannel, long> _messagesIn = new();
    private readonly ConcurrentDictionary<AckOutcome, long> _acks = new();
    private long _connectedClients;
    private long _connections;
    private long _refusedPublishes;
    private long _refusedSubscriptions;
    private long _offlineFromDisconnect;
    private long _brokerConnects;
    private long _brokerConnectFailures;

    public long ConnectedClients => Interlocked.Read(ref _connectedClients);
    public long RefusedPublishes => Interlocked.Read(ref _refusedPublishes);
    public long RefusedSubscriptions => Interlocked.Read(ref _refusedSubscriptions);

    public long RefusedConnections(ConnectionRefusal reason) => _refusedConnections.GetValueOrDefault(reason);
    public long MessagesIn(DeviceChannel channel) => _messagesIn.GetValueOrDefault(channel);
    public long Acks(AckOutcome outcome) => _acks.GetValueOrDefault(outcome);

    public void ClientConnected() { Interlocked.Increment(ref _connectedClients); Interlocked.Increment(ref _connections); }
    public void ClientDisconnected() => Interlocked.Decrement(ref _connectedClients);
    public void ConnectionRefused(ConnectionRefusal reason) => _refusedConnections.AddOrUpdate(reason, 1, (_, n) => n + 1);
    public void PublishRefused() => Interlocked.Increment(ref _refusedPublishes);
    public void SubscriptionRefused() => Interlocked.Increment(ref _refusedSubscriptions);
    public void MessageIn(DeviceChannel channel) => _messagesIn.AddOrUpdate(channel, 1, (_, n) => n + 1);
    public void Acknowledged(AckOutcome outcome) => _acks.AddOrUpdate(outcome, 1, (_, n) => n + 1);
    public void OfflineRecordedFromDisconnect() => Interlocked.Increment(ref _offlineFromDisconnect);
    public void ExternalBrokerConnected() => Interlocked.Increment(ref _brokerConnects);
    public void ExternalBrokerConnectFailed() => Interlocked.Increment(ref _brokerConnectFailures);

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        writer.Gauge("edgemlops_broker_connected_clients", "Devices connected to the embedded broker.")
            .Sample("edgemlops_broker_connected_clients", ConnectedClients);
        writer.Counter("edgemlops_broker_connections_total", "Connections the embedded broker accepted.")
            .Sample("edgemlops_broker_connections_total", Interlocked.Read(ref _connections));
        writer.Counter("edgemlops_broker_connections_refused_total", "Connections refused, by reason.");
        foreach (var reason in Enum.GetValues<ConnectionRefusal>().Where(r => r != ConnectionRefusal.None))
            writer.Sample("edgemlops_broker_connections_refused_total", RefusedConnections(reason), ("reason", Label(reason)));
        writer.Counter("edgemlops_broker_publishes_refused_total", "Publishes refused because the topic is not the device's own.")
            .Sample("edgemlops_broker_publishes_refused_total", RefusedPublishes);
        writer.Counter("edgemlops_broker_subscriptions_refused_total", "Subscriptions refused because the filter is not the device's own desired or status topic.")
            .Sample("edgemlops_broker_subscriptions_refused_total", RefusedSubscriptions);
        writer.Counter("edgemlops_broker_messages_in_total", "Device messages handed to ingest, by channel.");
        foreach (var channel in Enum.GetValues<DeviceChannel>().Where(c => c != DeviceChannel.Desired))
            writer.Sample("edgemlops_broker_messages_in_total", MessagesIn(channel), ("channel", channel.ToString().ToLowerInvariant()));
        writer.Counter("edgemlops_broker_acks_total", "How device messages were acknowledged (PUBACK reason), by outcome.");
        foreach (var outcome in Enum.GetValues<AckOutcome>())
            writer.Sample("edgemlops_broker_acks_total", Acks(outcome), ("outcome", Label(outcome)));
        writer.Counter("edgemlops_broker_offline_from_disconnect_total", "Devices recorded offline by the hub after an unclean disconnect.")
            .Sample("edgemlops_broker_offline_from_disconnect_total", Interlocked.Read(ref _offlineFromDisconnect));
        writer.Counter("edgemlops_broker_external_connects_total", "Successful connections of the hub to an external broker.")
            .Sample("edgemlops_broker_external_connects_total", Interlocked.Read(ref _brokerConnects));
        writer.Counter("edgemlops_broker_external_connect_failures_total", "Failed connection attempts of the hub to an external broker.")
            .Sample("edgemlops_broker_external_connect_failures_total", Interlocked.Read(ref _brokerConnectFailures));
    }

    public static string Label(ConnectionRefusal reason) => reason switch
    {
        ConnectionRefusal.MissingCredentials => "missing_credentials",
        ConnectionRefusal.BadCredentials => "bad_credentials",
        ConnectionRefusal.ClientIdMismatch => "client_id_mismatch",
        ConnectionRefusal.UnsupportedProtocolVersion => "unsupported_protocol_version",
        ConnectionRefusal.TooManyConnections => "too_many_connections",
        ConnectionRefusal.TooManyFromAddress => "too_many_from_address",
        ConnectionRefusal.ConnectTimeout => "connect_timeout",
        ConnectionRefusal.PacketTooLarge => "packet_too_large",
        _ => "none",
    };

    public static string Label(AckOutcome outcome) => outcome switch
    {
        AckOutcome.Success => "success",
        AckOutcome.PayloadFormatInvalid => "payload_format_invalid",
        AckOutcome.UnspecifiedError => "unspecified_error",
        AckOutcome.NotAuthorized => "not_authorized",
        AckOutcome.ImplementationSpecificError => "implementation_specific_error",
        AckOutcome.QuotaExceeded => "quota_exceeded",
        _ => "unknown",
    };
}
