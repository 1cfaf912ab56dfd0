using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// The sync's counters for the scrape endpoint. The outbox's size is the store's to report
/// (<c>edgemlops_outbox_pending_records</c>); this adds how fast it drains and where the records went.
/// </summary>
public sealed class SyncMetrics(SyncProgress progress) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var snapshot = progress.Snapshot();
        writer.Gauge("edgemlops_sync_connected", "1 while the agent is connected to the broker")
            .Sample("edgemlops_sync_connected", snapshot.Connected ? 1 : 0);
        writer.Gauge("edgemlops_sync_backlog_records", "Outbox records waiting to be acknowledged by the broker")
            .Sample("edgemlops_sync_backlog_records", snapshot.Pending);
        writer.Gauge("edgemlops_sync_drain_records_per_second", "Records acknowledged per second over the last 10 s")
            .Sample("edgemlops_sync_drain_records_per_second", snapshot.RecordsPerSecond);
        writer.Gauge("edgemlops_sync_backlog_eta_seconds", "Time the backlog needs at the current drain rate; NaN when nothing drains")
            .Sample("edgemlops_sync_backlog_eta_seconds", snapshot.Eta?.TotalSeconds ?? double.NaN);
        writer.Counter("edgemlops_sync_published_records_total", "Outbox records published, resends included")
            .Sample("edgemlops_sync_published_records_total", snapshot.PublishedRecords);
        writer.Counter("edgemlops_sync_acked_records_total", "Outbox records acknowledged by the broker and removed from the outbox")
            .Sample("edgemlops_sync_acked_records_total", snapshot.AckedRecords);
        writer.Counter("edgemlops_sync_messages_total", "Messages published, by kind")
            .Sample("edgemlops_sync_messages_total", progress.Batches, ("kind", "batch"))
            .Sample("edgemlops_sync_messages_total", progress.Samples, ("kind", "sample"));
        writer.Counter("edgemlops_sync_dropped_records_total", "Outbox records dropped unsent, by reason")
            .Sample("edgemlops_sync_dropped_records_total", snapshot.RejectedByHub, ("reason", "rejected_by_hub"))
            .Sample("edgemlops_sync_dropped_records_total", progress.Unsendable, ("reason", "unsendable"));
        writer.Counter("edgemlops_sync_refused_publishes_total", "Publishes the broker refused for now; their records were kept and retried")
            .Sample("edgemlops_sync_refused_publishes_total", progress.RefusedPublishes);
        writer.Counter("edgemlops_sync_reconnects_total", "Connections to the broker made after the first")
            .Sample("edgemlops_sync_reconnects_total", snapshot.Reconnects);
        writer.Counter("edgemlops_sync_connect_failures_total", "Connection attempts that failed")
            .Sample("edgemlops_sync_connect_failures_total", progress.ConnectFailures);
        writer.Counter("edgemlops_sync_desired_rejected_total", "Desired-state messages refused (malformed, another device's, an old revision)")
            .Sample("edgemlops_sync_desired_rejected_total", progress.DesiredRejected);
        writer.Counter("edgemlops_sync_quota_refusals_total", "Publishes the hub refused because the device's quota is used up (0x97); the records were kept")
            .Sample("edgemlops_sync_quota_refusals_total", progress.QuotaRefusals);
        writer.Counter("edgemlops_sync_epochs_started_total", "New outbox epochs started because the hub found a clone publishing under this identity")
            .Sample("edgemlops_sync_epochs_started_total", progress.EpochsStarted);
    }
}
