using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EdgeMlops.Messaging;

/// <summary>
/// Where a broker is, as configured: <c>mqtt://host[:port]</c> (1883 by default) or <c>mqtts://host[:port]</c> for TLS
/// (8883); <c>tcp://</c> and <c>ssl://</c> are accepted as their aliases, as mosquitto's tools spell them.
/// </summary>
/// <param name="Host">The host name or IP address; an IPv6 address without its brackets.</param>
public sealed record BrokerAddress(string Host, int Port, bool UseTls)
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    /// <summary>The address as configured, without credentials (there are none in it), for logs and status lines.</summary>
    public override string ToString() =>
        $"{(UseTls ? "mqtts" : "mqtt")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <param name="key">The configuration key the text comes from (e.g. <c>Sync:Broker</c>), named in the problem.</param>
    /// <param name="credentialKeys">Where credentials go instead, named when the URL carries some.</param>
    public static bool TryParse(string? text, string key, string credentialKeys,
        [NotNullWhen(true)] out BrokerAddress? address, [NotNullWhen(false)] out string? problem)
    {
        address = null;
        problem = FindProblem(text, key, credentialKeys);
        if (problem is not null)
            return false;
        var uri = new Uri(text!.Trim());
        var tls = IsTls(uri.Scheme);
        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? DefaultTlsPort : DefaultPort) : uri.Port;
        address = new BrokerAddress(uri.IdnHost.Trim('[', ']'), port, tls);
        return true;
    }

    /// <exception cref="InvalidOperationException">The text is not a broker address; the message names the key.</exception>
    public static BrokerAddress Parse(string? text, string key, string credentialKeys) =>
        TryParse(text, key, credentialKeys, out var address, out var problem) ? address : throw new InvalidOperationException(problem);

    /// <summary>Why <paramref name="text"/> is not a broker address, as a sentence naming <paramref name="key"/>; null when it is one.</summary>
    public static string? FindProblem(string? text, string key, string credentialKeys)
    {
        const string Expected = "expected mqtt://host[:port] or mqtts://host[:port]";
        if (string.IsNullOrWhiteSpace(text))
            return $"{key} is empty; {Expected}.";
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            return $"{key} '{text}' is not a URI; {Expected}.";
        if (uri.Scheme is not ("mqtt" or "tcp" or "mqtts" or "ssl"))
            return $"{key} '{text}' has scheme '{uri.Scheme}'; {Expected}.";
        if (string.IsNullOrEmpty(uri.Host))
            return $"{key} '{text}' names no host; {Expected}.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return $"{key} '{text}' carries credentials; put them in {credentialKeys}.";
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return $"{key} '{text}' has a path, query or fragment; {Expected}.";
        if (!uri.IsDefaultPort && uri.Port is < 1 or > 65535)
            return $"{key} '{text}' has port {uri.Port}; ports are 1..65535.";
        return null;
    }

    // Uri lower-cases the scheme.
    private static bool IsTls(string scheme) => scheme is "mqtts" or "ssl";
}
