using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Diagnostics;

/// <summary>The Prometheus scrape endpoint: every registered <see cref="IMetricsSource"/>, in registration order.</summary>
public static class MetricsEndpoint
{
    /// <summary>Maps <c>GET /metrics</c>: a viewer token needed unless <c>Hub:Http:OpenMetrics</c> is true.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (IEnumerable<IMetricsSource> sources) =>
        {
            var writer = new PrometheusTextWriter();
            foreach (var source in sources)
                source.WriteMetrics(writer);
            return TypedResults.Text(writer.ToString(), PrometheusTextWriter.ContentType);
        }).RequireAuthorization(OperatorPolicies.Metrics);
        return app;
    }
}
