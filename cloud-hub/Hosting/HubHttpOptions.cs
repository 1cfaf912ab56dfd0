namespace EdgeMlops.CloudHub.Hosting;

/// <summary>The hub's HTTP side (section <c>Hub:Http</c>).</summary>
public sealed class HubHttpOptions
{
    public const string Section = "Hub:Http";

    /// <summary>Where the API, metrics and health endpoints listen.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Whether <paramref name="url"/> (a valid one, see <see cref="FindProblem"/>) binds only loopback addresses.</summary>
    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return false;
        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    /// <summary>Why <paramref name="url"/> cannot be listened on, naming the key; null when it can.</summary>
    public static string? FindProblem(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/"))
            return $"{Section}:Url '{url}' is not an http:// URL with host and port, e.g. http://127.0.0.1:8080.";
        return null;
    }
}
