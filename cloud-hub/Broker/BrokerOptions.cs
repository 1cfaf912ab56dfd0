using System.Diagnostics.CodeAnalysis;
using EdgeMlops.Messaging;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Where devices connect (section <c>Hub:Broker</c>). Without <see cref="Url"/> the hub runs its own MQTT broker on
/// <see cref="Listen"/>; with it the hub subscribes to an external broker (Mosquitto, EMQX, ...) as a client.
/// </summary>
public sealed class BrokerOptions
{
    public const string Section = "Hub:Broker";

    /// <summary>Address the embedded broker listens on, <c>host:port</c> (IPv6 as <c>[::1]:1883</c>).</summary>
    public string Listen { get; set; } = "127.0.0.1:1883";

    /// <summary>The embedded broker's TLS certificate (PEM); with <see cref="Key"/> devices connect over TLS (<c>mqtts://</c>) on <see cref="Listen"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>The private key (PEM) of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    /// <summary>Open sockets the embedded broker holds at most; one more is closed at once.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open sockets one source address holds at most (a site behind NAT shares one).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>How long a new socket has for its TLS handshake and whole CONNECT; a silent or half-sent one is closed then.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest CONNECT read: nobody has logged in yet, so a larger one ends the connection unread.</summary>
    public int MaxConnectPacketBytes { get; set; } = 8 * 1024;

    /// <summary>Whether the embedded broker serves TLS.</summary>
    public bool UsesTls => !string.IsNullOrEmpty(Certificate) || !string.IsNullOrEmpty(Key);

    /// <summary>The external broker, e.g. <c>mqtt://127.0.0.1:1883</c> (or <c>mqtts://</c>); empty means embedded.</summary>
    public string? Url { get; set; }

    /// <summary>The hub's client id on the external broker; its persistent session is keyed on it.</summary>
    public string ClientId { get; set; } = "edgemlops-hub";

    /// <summary>The hub's service account on the external broker.</summary>
    public string Username { get; set; } = "edgemlops-hub";

    /// <summary>The service account's password; prefer <see cref="PasswordFile"/> so it stays out of process listings.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the service account's password (e.g. the <c>hub.secret</c> the mosquitto-config command writes).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// How long the external broker keeps the hub's session (and queues QoS 1 messages for it) while the hub is away.
    /// A day offline of the whole fleet must fit, so the default is a week.
    /// </summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>MQTT keep-alive towards the external broker.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay before reconnecting to the external broker; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the hub's start waits for the first connection to the external broker before going on in the background.</summary>
    public TimeSpan StartupConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The external broker's address from <see cref="Url"/>, or why it is not one, naming the key.</summary>
    public bool TryParseUrl([NotNullWhen(true)] out BrokerAddress? url, [NotNullWhen(false)] out string? problem) =>
        BrokerAddress.TryParse(Url, UrlKey, CredentialKeys, out url, out problem);

    /// <summary>The service account's password, from <see cref="PasswordFile"/> or <see cref="Password"/>; null when neither is set.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read; the message names the key.</exception>
    public string? ReadPassword() => BrokerPassword.Resolve(Password, PasswordFile, $"{Section}:PasswordFile");

    private const string UrlKey = Section + ":Url";
    private const string CredentialKeys = Section + ":Username and " + Section + ":PasswordFile";

    /// <summary>Whether the hub talks to an external broker rather than running its own.</summary>
    public bool IsExternal => !string.IsNullOrWhiteSpace(Url);
}
