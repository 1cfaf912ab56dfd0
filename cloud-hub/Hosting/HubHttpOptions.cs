namespace EdgeMlops.CloudHub.Hosting;

/// <summary>The hub's HTTP side (section <c>Hub:Http</c>); checked by <see cref="HubHttpOptionsValidator"/>.</summary>
public sealed class HubHttpOptions
{
    public const string Section = "Hub:Http";

    /// <summary>The names every hub answers to: a browser on the hub machine, and nothing a DNS record can point elsewhere.</summary>
    public const string LoopbackHosts = "localhost;127.0.0.1;[::1]";

    /// <summary>Where the API, metrics and health endpoints listen; <c>https://</c> needs <see cref="Certificate"/> and <see cref="Key"/>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// The <c>Host</c> names requests may carry, separated by <c>;</c> (<c>*</c>: any). Anything else is refused, so a web
    /// page cannot reach a loopback hub through a DNS name it rebinds to 127.0.0.1. The host of <see cref="Url"/> is
    /// always allowed.
    /// </summary>
    public string AllowedHosts { get; set; } = LoopbackHosts;

    /// <summary>Whether <c>/metrics</c> answers without a token, for a scraper on a trusted network.</summary>
    public bool OpenMetrics { get; set; }

    /// <summary>The server certificate (PEM file, the chain may follow it) for an <c>https://</c> <see cref="Url"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>The certificate's private key (PEM file, unencrypted).</summary>
    public string? Key { get; set; }

    /// <summary>Whether <paramref name="url"/> (a valid one) binds only loopback addresses.</summary>
    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return false;
        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    /// <summary>Whether the API is served over TLS.</summary>
    public bool IsHttps => Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
