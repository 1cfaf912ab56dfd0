namespace EdgeMlops.CloudHub.Hosting;

/// <summary>The hub's HTTP side (section <c>Hub:Http</c>); checked by <see cref="HubHttpOptionsValidator"/>.</summary>
public sealed class HubHttpOptions
{
    public const string Section = "Hub:Http";

    /// <summary>Where the API, metrics and health endpoints listen.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Whether <paramref name="url"/> (a valid one) binds only loopback addresses.</summary>
    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return false;
        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }
}
