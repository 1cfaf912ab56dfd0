using EdgeMlops.CloudHub.Devices;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Why a connection was refused; also the metric label.</summary>
public enum ConnectionRefusal
{
    None,

    /// <summary>No user name or no password.</summary>
    MissingCredentials,

    /// <summary>Not an enrolled device, or not its secret.</summary>
    BadCredentials,

    /// <summary>
    /// The client id is not the device id: refused so that no device can take over (or read the queued messages of)
    /// another device's persistent session, which the broker keys on the client id.
    /// </summary>
    ClientIdMismatch,

    /// <summary>MQTT 3.1.1 or older: without PUBACK reason codes a refused publish would look stored to the device.</summary>
    UnsupportedProtocolVersion,

    /// <summary>The broker already holds <see cref="BrokerOptions.MaxConnections"/> sockets.</summary>
    TooManyConnections,

    /// <summary>The source address already holds <see cref="BrokerOptions.MaxConnectionsPerAddress"/> sockets.</summary>
    TooManyFromAddress,

    /// <summary>No whole CONNECT (or TLS handshake) within <see cref="BrokerOptions.ConnectTimeout"/>.</summary>
    ConnectTimeout,

    /// <summary>A CONNECT over <see cref="BrokerOptions.MaxConnectPacketBytes"/>, or a later packet over the largest payload limit.</summary>
    PacketTooLarge,
}

/// <summary>
/// Decides whether an MQTT connection comes from an enrolled device with its own secret and its own client id, or from
/// an operator watching alerts (<see cref="ObserverAccess"/>) with their API token and client id <c>operator:&lt;name&gt;</c>.
/// </summary>
public sealed class DeviceConnectionValidator(IDeviceRegistry registry, Operators.OperatorRegistry operators)
{
    public ConnectionRefusal Validate(string? clientId, string? userName, string? password)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
            return ConnectionRefusal.MissingCredentials;
        if (ObserverAccess.IsObserver(clientId))
            return ValidateObserver(clientId!, userName, password);
        // An invalid id cannot be enrolled; checking first keeps odd user names away from the registry.
        if (!DeviceIds.IsValid(userName) || !registry.Verify(userName, password))
            return ConnectionRefusal.BadCredentials;
        if (!string.Equals(clientId, userName, StringComparison.Ordinal))
            return ConnectionRefusal.ClientIdMismatch;
        return ConnectionRefusal.None;
    }

    private ConnectionRefusal ValidateObserver(string clientId, string userName, string password)
    {
        if (operators.FindByToken(password) is not { } account || !string.Equals(account.Name, userName, StringComparison.Ordinal))
            return ConnectionRefusal.BadCredentials;
        return string.Equals(clientId, ObserverAccess.ClientIdOf(userName), StringComparison.Ordinal)
            ? ConnectionRefusal.None
            : ConnectionRefusal.ClientIdMismatch;
    }
}
