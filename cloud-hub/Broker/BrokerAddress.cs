using System.Globalization;
using System.Net;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>An external broker's address, taken from <see cref="BrokerOptions.Url"/>.</summary>
public sealed record BrokerUrl(string Host, int Port, bool UseTls)
{
    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Parses the broker addresses in configuration; each error names the configuration key it is about.</summary>
public static class BrokerAddress
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    /// <summary>Parses a listen address such as <c>127.0.0.1:1883</c> or <c>[::1]:1883</c>.</summary>
    public static bool TryParseListen(string? text, out IPEndPoint endpoint, out string? problem)
    {
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

    /// <summary>Parses an external broker URL: <c>mqtt://host[:port]</c>, <c>tcp://host[:port]</c> or <c>mqtts://host[:port]</c>.</summary>
    public static bool TryParseUrl(string? text, out BrokerUrl url, out string? problem)
    {
        url = new BrokerUrl("127.0.0.1", DefaultPort, false);
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            problem = $"{BrokerOptions.Section}:Url '{text}' is not a URL; give mqtt://host:port, e.g. mqtt://127.0.0.1:{DefaultPort}.";
            return false;
        }
        bool? tls = uri.Scheme.ToLowerInvariant() switch
        {
            "mqtt" or "tcp" => false,
            "mqtts" or "ssl" => true,
            _ => null,
        };
        if (tls is null)
        {
            problem = $"{BrokerOptions.Section}:Url '{text}' has the scheme '{uri.Scheme}'; the hub speaks mqtt:// (or mqtts://), e.g. mqtt://127.0.0.1:{DefaultPort}.";
            return false;
        }
        if (uri.AbsolutePath is not ("" or "/") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = $"{BrokerOptions.Section}:Url '{text}' must be only scheme, host and port; credentials go in {BrokerOptions.Section}:Username and :PasswordFile.";
            return false;
        }
        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls.Value ? DefaultTlsPort : DefaultPort) : uri.Port;
        url = new BrokerUrl(uri.IdnHost.Trim('[', ']'), port, tls.Value);
        problem = null;
        return true;
    }
}
