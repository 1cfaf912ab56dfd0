using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// Where every precision report goes: the telemetry store's outbox (validated there), the metrics, and one structured
/// log line; a window whose drift reaches <see cref="MonitoringOptions.DriftThreshold"/> is logged as a warning.
/// </summary>
public sealed class PrecisionReportWriter(TelemetryQueue telemetry, PrecisionMetrics metrics, IOptions<MonitoringOptions> options,
    ILogger<PrecisionReportWriter> logger)
{
    private readonly double _driftThreshold = options.Value.DriftThreshold;

    /// <summary>Stores the report, waiting for room in the queue; false when refused or the agent is stopping.</summary>
    public async ValueTask<bool> WriteAsync(PrecisionReport report, CancellationToken cancellationToken = default)
    {
        Announce(report);
        return Stored(report, await telemetry.WriteAsync(report, cancellationToken));
    }

    /// <summary>Stores the report if the queue has room (for callers that must not wait); false when dropped or refused.</summary>
    public bool TryWrite(PrecisionReport report)
    {
        Announce(report);
        return Stored(report, telemetry.TryWrite(report));
    }

    private void Announce(PrecisionReport report)
    {
        metrics.Record(report);
        var macro = MacroPrecision.Of(report.Classes);
        logger.LogInformation(
            "Precision ({Source}) of camera {Camera}, model {Model} {Version}, {WindowStart:o}..{WindowEnd:o}: macro {MacroPrecision:0.###} over {Predictions} predictions",
            report.Source, report.CameraId ?? "(canary set)", report.ModelName, report.ModelVersion, report.WindowStart, report.WindowEnd,
            macro, MacroPrecision.Predictions(report.Classes));
        if (report.Drift is { } drift && Math.Max(Math.Max(drift.ClassMixPsi, drift.ConfidencePsi), Math.Max(drift.ClassMixJs, drift.ConfidenceJs)) >= _driftThreshold)
            logger.LogWarning(
                "Drift on camera {Camera}, model {Model} {Version}, {WindowStart:o}..{WindowEnd:o}: class mix PSI {ClassMixPsi} JS {ClassMixJs}, confidence PSI {ConfidencePsi} JS {ConfidenceJs} (threshold {DriftThreshold}); crops: brightness {MeanBrightness}, contrast {MeanContrast}, box area {MeanBoxArea}",
                report.CameraId, report.ModelName, report.ModelVersion, report.WindowStart, report.WindowEnd, drift.ClassMixPsi, drift.ClassMixJs,
                drift.ConfidencePsi, drift.ConfidenceJs, _driftThreshold, drift.MeanBrightness, drift.MeanContrast, drift.MeanBoxArea);
    }

    private bool Stored(PrecisionReport report, bool stored)
    {
        if (!stored)
            logger.LogWarning("Precision report ({Source}) of camera {Camera}, window ending {WindowEnd:o}, was not stored: the telemetry queue refused it or is closed",
                report.Source, report.CameraId ?? "(canary set)", report.WindowEnd);
        return stored;
    }
}
