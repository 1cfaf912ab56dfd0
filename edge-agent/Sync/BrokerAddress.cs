using System.Diagnostics.CodeAnalysis;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>Where the broker is, taken from <see cref="SyncOptions.Broker"/>: <c>mqtt://host[:port]</c> or <c>mqtts://host[:port]</c>.</summary>
public sealed record BrokerAddress(string Host, int Port, bool UseTls)
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    private const string Key = SyncOptions.SectionName + ":Broker";

    /// <summary>The address as configured, without credentials (there are none in it), for logs and the status line.</summary>
    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out BrokerAddress? address)
    {
        address = null;
        if (FindProblem(text) is not null)
            return false;
        var uri = new Uri(text!);
        var tls = uri.Scheme == "mqtts";
        address = new BrokerAddress(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? (tls ? DefaultTlsPort : DefaultPort) : uri.Port, tls);
        return true;
    }

    /// <exception cref="InvalidOperationException">The text is not a broker address; the message names the key.</exception>
    public static BrokerAddress Parse(string? text) =>
        TryParse(text, out var address) ? address : throw new InvalidOperationException(FindProblem(text));

    /// <summary>Why <paramref name="text"/> is not a broker address, as a sentence naming <c>Sync:Broker</c>; null when it is one.</summary>
    public static string? FindProblem(string? text)
    {
        const string Expected = "expected mqtt://host[:port] or mqtts://host[:port]";
        if (string.IsNullOrWhiteSpace(text))
            return $"{Key} is empty; {Expected}.";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            return $"{Key} '{text}' is not a URI; {Expected}.";
        if (uri.Scheme is not ("mqtt" or "mqtts"))
            return $"{Key} '{text}' has scheme '{uri.Scheme}'; {Expected}.";
        if (string.IsNullOrEmpty(uri.Host))
            return $"{Key} '{text}' names no host; {Expected}.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return $"{Key} '{text}' carries credentials; put them in {SyncOptions.SectionName}:Username and {SyncOptions.SectionName}:PasswordFile.";
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return $"{Key} '{text}' has a path, query or fragment; {Expected}.";
        if (!uri.IsDefaultPort && uri.Port is < 1 or > 65535)
            return $"{Key} '{text}' has port {uri.Port}; ports are 1..65535.";
        return null;
    }
}
