using EdgeMlops.EdgeAgent.Tracking;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>Makes each camera's <see cref="CameraPrecisionMonitor"/>, wired to the shared report writer and, when a feed is configured, the feed scorer.</summary>
public sealed class PrecisionMonitoring(IOptions<AgentOptions> agent, IOptions<MonitoringOptions> options, IOptions<TrackerOptions> tracking,
    PrecisionReportWriter reports, GroundTruthFeedScorer feed)
{
    public CameraPrecisionMonitor ForCamera(string cameraId, ITrackSink inner) =>
        new(agent.Value.DeviceId, cameraId, options.Value.Window, tracking.Value, reports,
            string.IsNullOrWhiteSpace(options.Value.GroundTruthFeed) ? null : feed, inner);
}
