using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>How many alerts one pass opened and resolved, and how many live ones it refreshed.</summary>
public sealed record AlertPass(int Opened, int Resolved, int Refreshed);

/// <summary>
/// One evaluation of every rule over the trailing window (<see cref="Evaluate"/>), on the hub's clock. Per (device,
/// camera, model) each rule looks at ONE model version: the version the device reports serving now when the window
/// holds figures of it, else the version with the most samples. A live alert keeps the version it was opened for until
/// figures of the deciding version fire (the alert then follows that version) or recover (it resolves, naming the
/// version); so a new version with too few labels yet never resolves an alert silently. Measured precision takes the
/// measured source (truth, feed, review) with the most samples in the window. Cameras with no figures in the window
/// leave their alerts as they are: no evidence either way.
/// </summary>
public sealed class AlertEngine(
    AlertStore store,
    IEnumerable<IPrecisionReader> readers,
    DeviceTags tags,
    HubDatabase database,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEngine> logger)
{
    private readonly Lock _gate = new();

    // The monitoring capability registers the reader; a hub composed without it (or before it is merged) evaluates
    // nothing and says so once, rather than failing to start.
    private readonly IPrecisionReader? _precision = readers.LastOrDefault();
    private bool _saidNoReader;

    /// <summary>Evaluates every rule at <paramref name="now"/> and writes the transitions; the channels publish them afterwards.</summary>
    public AlertPass Evaluate(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_precision is not { } precision)
            {
                if (!_saidNoReader)
                    logger.LogWarning("No precision reader is registered (the monitoring capability): alert rules evaluate nothing");
                _saidNoReader = true;
                return new AlertPass(0, 0, 0);
            }
            var settings = options.Value;
            var from = now - settings.Window;
            var context = new PassContext(now, from, settings, tags, CurrentVersions());
            var live = store.Live().ToDictionary(a => (a.Rule, a.DeviceId, a.CameraId, a.ModelName));
            var by = settings.Metric == AlertMetric.Macro ? PrecisionGrouping.Total : PrecisionGrouping.Class;
            var figures = precision.Figures(new PrecisionQuery(from, now, By: by)).Where(f => f.CameraId is not null).ToList();

            var outcomes = new List<(AlertEvidence Evidence, RuleVerdict Verdict)>();
            outcomes.AddRange(PrecisionOutcomes(AlertRules.MeasuredPrecision, figures.Where(f => PrecisionSources.IsMeasured(f.Source)), context));
            outcomes.AddRange(PrecisionOutcomes(AlertRules.EstimatedPrecision, figures.Where(f => f.Source == PrecisionSources.Estimated), context));
            outcomes.AddRange(DriftOutcomes(precision.Drift(from, now), context));

            int opened = 0, resolved = 0, refreshed = 0;
            foreach (var (evidence, verdict) in outcomes)
            {
                live.TryGetValue((evidence.Rule, evidence.DeviceId, evidence.CameraId, evidence.ModelName), out var alert);
                if (verdict == RuleVerdict.Fires && alert is null && store.Open(evidence, now) is { } id)
                {
                    opened++;
                    logger.LogWarning("Alert {AlertId} opened: {Rule} on {DeviceId}/{CameraId} {Model} {Version}: {Metric} {Figure:F3}, bound {Bound:F3} vs threshold {Threshold:F2} over {Samples} samples",
                        id, evidence.Rule, evidence.DeviceId, evidence.CameraId, evidence.ModelName, evidence.ModelVersion, evidence.Metric,
                        evidence.Figure, evidence.Bound, evidence.Threshold, evidence.Samples);
                }
                else if (verdict == RuleVerdict.Fires && alert is not null)
                {
                    store.Refresh(alert.Id, evidence);
                    refreshed++;
                }
                else if (verdict == RuleVerdict.Recovered && alert is not null)
                {
                    var note = evidence.ModelVersion == alert.ModelVersion
                        ? "recovered"
                        : $"recovered on model version {evidence.ModelVersion} (opened for {alert.ModelVersion})";
                    if (store.Resolve(alert.Id, AlertTransitions.RuleActor, note, evidence, now))
                    {
                        resolved++;
                        logger.LogInformation("Alert {AlertId} resolved: {Rule} on {DeviceId}/{CameraId} {Model}: {Note}, bound {Bound:F3}",
                            alert.Id, alert.Rule, alert.DeviceId, alert.CameraId, alert.ModelName, note, evidence.Bound);
                    }
                }
            }
            return new AlertPass(opened, resolved, refreshed);
        }
    }

    /// <summary>Evaluates now (the hub's clock).</summary>
    public AlertPass Evaluate() => Evaluate(time.GetUtcNow());

    private static IEnumerable<(AlertEvidence, RuleVerdict)> PrecisionOutcomes(string rule, IEnumerable<PrecisionFigure> figures, PassContext context)
    {
        var settings = context.Settings;
        foreach (var camera in figures.GroupBy(f => (f.DeviceId, CameraId: f.CameraId!, f.ModelName)))
        {
            var version = context.DecidingVersion(camera.Key.DeviceId, camera.Key.ModelName,
                camera.Where(f => f.Metric == PrecisionFigure.Macro).Select(f => (f.ModelVersion, f.Samples)));
            // One source decides: the one with the most samples for this version (several measured sources are not summed:
            // a review of a sample the truth feed also counted would count twice).
            var series = camera.Where(f => f.ModelVersion == version)
                .GroupBy(f => f.Source)
                .MaxBy(g => g.Where(f => f.Metric == PrecisionFigure.Macro).Sum(f => f.Samples));
            if (series is null)
                continue;
            var threshold = AlertThresholdResolver.For(settings, camera.Key.ModelName, context.TagsOf(camera.Key.DeviceId));
            if (rule == AlertRules.EstimatedPrecision && settings.EstimateThreshold is { } estimate)
                threshold = estimate;
            var outcome = PrecisionRule.Judge(series.ToList(), settings.Metric, threshold, settings.Hysteresis, settings.MinSamples);
            if (outcome.Verdict == RuleVerdict.Inconclusive)
                continue;
            yield return (new AlertEvidence(rule, camera.Key.DeviceId, camera.Key.CameraId, camera.Key.ModelName, version, outcome.Metric,
                outcome.Figure, outcome.Bound, threshold, outcome.Samples, context.From, context.Now), outcome.Verdict);
        }
    }

    private static IEnumerable<(AlertEvidence, RuleVerdict)> DriftOutcomes(IEnumerable<DriftFigure> figures, PassContext context)
    {
        var settings = context.Settings;
        foreach (var camera in figures.GroupBy(f => (f.DeviceId, f.CameraId, f.ModelName)))
        {
            var version = context.DecidingVersion(camera.Key.DeviceId, camera.Key.ModelName, camera.Select(f => (f.ModelVersion, (double)f.Signals.Events)));
            var figure = camera.Where(f => f.ModelVersion == version).MaxBy(f => f.Signals.Events);
            if (figure is null)
                continue;
            var outcome = DriftRule.Judge(figure, settings.DriftThreshold, settings.Hysteresis, settings.MinSamples);
            if (outcome.Verdict == RuleVerdict.Inconclusive)
                continue;
            yield return (new AlertEvidence(AlertRules.Drift, camera.Key.DeviceId, camera.Key.CameraId, camera.Key.ModelName, version, outcome.Metric,
                outcome.Figure, outcome.Bound, settings.DriftThreshold, outcome.Samples, context.From, context.Now), outcome.Verdict);
        }
    }

    /// <summary>The (model, version) each device reports serving.</summary>
    private Dictionary<string, (string? Model, string? Version)> CurrentVersions() =>
        database.Read(connection => connection.Query<ServingRow>("SELECT id, model_name, model_version FROM devices WHERE model_version IS NOT NULL"))
            .ToDictionary(row => row.Id, row => (row.ModelName, row.ModelVersion), StringComparer.Ordinal);

    private sealed class ServingRow
    {
        [SQLite.Column("id")] public string Id { get; set; } = "";
        [SQLite.Column("model_name")] public string? ModelName { get; set; }
        [SQLite.Column("model_version")] public string? ModelVersion { get; set; }
    }

    /// <summary>What one pass reads once: the window, the settings, device tags and serving versions.</summary>
    private sealed class PassContext(DateTimeOffset now, DateTimeOffset from, AlertOptions settings, DeviceTags tags,
        Dictionary<string, (string? Model, string? Version)> serving)
    {
        private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _tags = new(StringComparer.Ordinal);

        public DateTimeOffset Now => now;
        public DateTimeOffset From => from;
        public AlertOptions Settings => settings;

        public IReadOnlyDictionary<string, string> TagsOf(string deviceId) =>
            _tags.TryGetValue(deviceId, out var known) ? known : _tags[deviceId] = tags.Of(deviceId);

        /// <summary>The version the device serves now if the window has figures of it, else the one with the most samples.</summary>
        public string DecidingVersion(string deviceId, string model, IEnumerable<(string Version, double Samples)> versions)
        {
            var totals = versions.GroupBy(v => v.Version).ToDictionary(g => g.Key, g => g.Sum(v => v.Samples), StringComparer.Ordinal);
            if (serving.TryGetValue(deviceId, out var current) && current.Model == model && current.Version is { } version && totals.ContainsKey(version))
                return version;
            return totals.Count == 0 ? "" : totals.MaxBy(t => t.Value).Key;
        }
    }
}
