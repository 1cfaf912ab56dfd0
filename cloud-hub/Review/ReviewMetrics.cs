using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Review;

/// <summary>The review queue at each scrape: samples by outcome state, standing labels by people and by the simulated reviewer.</summary>
public sealed class ReviewMetrics(ReviewStore store) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var states = store.StateCounts().ToDictionary(r => r.A, r => r.N, StringComparer.Ordinal);
        writer.Gauge("edgemlops_hub_review_samples", "Review samples by outcome state (unlabelled, labelled, unsure, conflict).");
        foreach (var state in (string[])[ReviewStates.Unlabelled, ReviewStates.Labelled, ReviewStates.Unsure, ReviewStates.Conflict])
            writer.Sample("edgemlops_hub_review_samples", states.GetValueOrDefault(state), ("state", state));
        var labels = store.LabelCounts(null);
        writer.Gauge("edgemlops_hub_review_labels", "Standing review labels, by whom: a person (human) or the simulated reviewer (simulated).");
        writer.Sample("edgemlops_hub_review_labels", labels.Human, ("by", "human"));
        writer.Sample("edgemlops_hub_review_labels", labels.Simulated, ("by", "simulated"));
    }
}
