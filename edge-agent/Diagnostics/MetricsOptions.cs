using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Diagnostics;

/// <summary>The Prometheus scrape endpoint. Section <c>Metrics</c>.</summary>
public sealed class MetricsOptions : IOptionsWithProblems
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// Where the endpoint listens (an <c>http://host:port/</c> prefix; metrics are at <c>/metrics</c> under it).
    /// Empty turns it off. Loopback by default: the box's exporter or a scraper on it reads it, nobody else.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:9464/";

    public IReadOnlyList<string> FindProblems()
    {
        if (Url.Length == 0)
            return [];
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !Url.EndsWith('/'))
            return [($"Metrics:Url '{Url}' must be an http:// prefix ending in '/', e.g. http://127.0.0.1:9464/ (or empty to turn metrics off).")];
        return [];
    }
}
