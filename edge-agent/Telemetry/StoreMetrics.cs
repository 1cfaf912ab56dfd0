using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>The telemetry store's counters for the scrape endpoint.</summary>
internal sealed class StoreMetrics(EdgeStore store) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        writer.Gauge("edgemlops_store_available", "1 when the telemetry database is open, 0 while it is unavailable")
            .Sample("edgemlops_store_available", store.IsAvailable ? 1 : 0);
        writer.Gauge("edgemlops_outbox_pending_records", "Records in the outbox not yet acknowledged by the broker")
            .Sample("edgemlops_outbox_pending_records", store.PendingCount);
        writer.Gauge("edgemlops_outbox_last_issued_seq", "The last sequence number issued")
            .Sample("edgemlops_outbox_last_issued_seq", store.LastIssuedSeq);
        writer.Counter("edgemlops_store_records_written_total", "Records committed to the store since the agent started")
            .Sample("edgemlops_store_records_written_total", store.RecordsWritten);
        writer.Counter("edgemlops_store_records_lost_total", "Records that could not be stored (disk full, file unusable) since the agent started")
            .Sample("edgemlops_store_records_lost_total", store.LostRecords);
        writer.Counter("edgemlops_store_evicted_records_total", "Records evicted to stay within the size budget, by kind (kept across restarts)")
            .Sample("edgemlops_store_evicted_records_total", store.EvictedSamples, ("kind", "sample"))
            .Sample("edgemlops_store_evicted_records_total", store.EvictedStats, ("kind", "stats"))
            .Sample("edgemlops_store_evicted_records_total", store.EvictedPrecision, ("kind", "precision"))
            .Sample("edgemlops_store_evicted_records_total", store.EvictedEvents, ("kind", "event"));
    }
}
