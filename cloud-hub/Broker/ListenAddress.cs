using System.Net;
using EdgeMlops.Messaging;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Where the embedded broker listens (<see cref="BrokerOptions.Listen"/>); errors name the configuration key.</summary>
public static class ListenAddress
{
    /// <summary>Parses a listen address such as <c>127.0.0.1:1883</c> or <c>[::1]:1883</c>.</summary>
    public static bool TryParse(string? text, out IPEndPoint endpoint, out string? problem)
    {
        const int DefaultPort = BrokerAddress.DefaultPort;
        endpoint = new IPEndPoint(IPAddress.Loopback, DefaultPort);
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"{BrokerOptions.Section}:Listen is empty; give host:port, e.g. 127.0.0.1:{DefaultPort}.";
            return false;
        }
        var trimmed = text.Trim();
        if (trimmed.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
            trimmed = "127.0.0.1" + trimmed["localhost".Length..];
        if (!IPEndPoint.TryParse(trimmed, out var parsed) || !trimmed.Contains(':') || parsed.Port is < 1 or > 65535
            || (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !trimmed.Contains(']')))
        {
            problem = $"{BrokerOptions.Section}:Listen '{text}' is not an IP address and port, e.g. 127.0.0.1:{DefaultPort} or [::1]:{DefaultPort}.";
            return false;
        }
        endpoint = parsed;
        problem = null;
        return true;
    }
}
