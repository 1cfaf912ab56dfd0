namespace EdgeMlops.Observability;

/// <summary>A part of a process that has metrics to expose; the scrape endpoint asks every registered source in turn.</summary>
public interface IMetricsSource
{
    /// <summary>Writes this source's metric families (names prefixed <c>edgemlops_</c>).</summary>
    void WriteMetrics(PrometheusTextWriter writer);
}
