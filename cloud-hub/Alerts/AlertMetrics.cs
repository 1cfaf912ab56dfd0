using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// <c>edgemlops_alerts_open{severity,rule}</c>: live (open or acknowledged) alerts, every pair listed, zeros too; and
/// <c>edgemlops_alert_figure{rule,device,camera,model,state}</c>, the figure of each live alert, for at most
/// <see cref="AlertOptions.MaxAlertSeries"/> alerts (critical first, then oldest) so a fleet-wide incident cannot blow up
/// the scrape; the rest are counted in <c>edgemlops_alert_figure_series_omitted</c>. Read from the store at each scrape.
/// </summary>
public sealed class AlertMetrics(AlertStore store, IOptions<AlertOptions> options) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var counts = store.LiveCounts();
        writer.Gauge("edgemlops_alerts_open", "Alerts open or acknowledged (not resolved), by severity and rule.");
        foreach (var rule in AlertRules.All)
            writer.Sample("edgemlops_alerts_open", counts.GetValueOrDefault((AlertRules.SeverityOf(rule), rule)), ("severity", AlertRules.SeverityOf(rule)), ("rule", rule));

        var live = store.Live();
        var shown = live.OrderBy(a => a.Severity == AlertSeverities.Critical ? 0 : 1).ThenBy(a => a.Id).Take(options.Value.MaxAlertSeries).ToList();
        writer.Gauge("edgemlops_alert_figure", "The figure of each live alert (precision, or the drift signal), one series per alert up to Hub:Alerts:MaxAlertSeries.");
        foreach (var alert in shown)
        {
            writer.Sample("edgemlops_alert_figure", alert.Figure, ("rule", alert.Rule), ("device", alert.DeviceId), ("camera", alert.CameraId),
                ("model", alert.ModelName), ("state", alert.State));
        }
        writer.Gauge("edgemlops_alert_figure_series_omitted", "Live alerts left out of edgemlops_alert_figure by Hub:Alerts:MaxAlertSeries.")
            .Sample("edgemlops_alert_figure_series_omitted", live.Count - shown.Count);
    }
}
