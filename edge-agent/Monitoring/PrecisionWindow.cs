using EdgeMlops.Contracts;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// What one camera saw of one model version over one window: per predicted class the events and the sum of their
/// calibrated confidences (the estimate), the same events scored against ground truth where the source carries it,
/// and the distributions drift is measured on. Turned into <see cref="PrecisionReport"/>s when it closes.
/// </summary>
internal sealed class PrecisionWindow(string cameraId, string modelName, string modelVersion, ModelMonitoring? monitoring, DateTimeOffset start, DateTimeOffset end)
{
    private readonly Dictionary<string, long> _predicted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _expectedCorrect = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _truthCorrect = new(StringComparer.Ordinal);
    private readonly long[] _confidenceBins = new long[DriftMeasures.ConfidenceBins];
    private bool _carriesTruth;
    private double _brightness, _contrast;
    private long _crops;
    private double _boxArea;
    private long _boxes;

    public string ModelName => modelName;
    public string ModelVersion => modelVersion;
    public DateTimeOffset Start => start;

    /// <summary>The aligned end of the window; a report may end earlier, when a model swap closes it.</summary>
    public DateTimeOffset End => end;

    public long Events => _predicted.Values.Sum();

    public bool IsFor(string name, string version) => name == modelName && version == modelVersion;

    /// <summary>A frame of the window carried ground truth: its events are scored against it.</summary>
    public void SawTruth() => _carriesTruth = true;

    public void AddCrop(double brightness, double contrast, double? boxShare)
    {
        _brightness += brightness;
        _contrast += contrast;
        _crops++;
        if (boxShare is { } share)
        {
            _boxArea += share;
            _boxes++;
        }
    }

    /// <param name="calibratedConfidence">The calibrated probability of the predicted label.</param>
    /// <param name="truthLabel">The label of the truth vehicle the event followed; null when it followed none (or the source has no truth).</param>
    public void AddEvent(string label, double calibratedConfidence, string? truthLabel)
    {
        _predicted[label] = _predicted.GetValueOrDefault(label) + 1;
        _expectedCorrect[label] = _expectedCorrect.GetValueOrDefault(label) + Math.Clamp(calibratedConfidence, 0, 1);
        _confidenceBins[DriftMeasures.ConfidenceBin(calibratedConfidence)]++;
        // An event that followed no truth vehicle (a headlight glow proposed as a car) is a wrong prediction of its class.
        if (truthLabel == label) _truthCorrect[label] = _truthCorrect.GetValueOrDefault(label) + 1;
    }

    /// <summary>The window's reports, ending at <paramref name="closedAt"/>: nothing when it saw no event.</summary>
    public IReadOnlyList<PrecisionReport> Close(string deviceId, DateTimeOffset closedAt)
    {
        if (_predicted.Count == 0) return [];
        var windowEnd = closedAt < end ? (closedAt < start ? start : closedAt) : end;
        var estimated = _predicted.ToDictionary(p => p.Key, p => new ClassPrecision(p.Value, Math.Min(p.Value, Math.Round(_expectedCorrect[p.Key], 4))), StringComparer.Ordinal);
        var reports = new List<PrecisionReport>
        {
            new(deviceId, cameraId, modelName, modelVersion, PrecisionSources.Estimated, start, windowEnd, estimated, Drift()),
        };
        if (_carriesTruth)
        {
            var truth = _predicted.ToDictionary(p => p.Key, p => new ClassPrecision(p.Value, _truthCorrect.GetValueOrDefault(p.Key)), StringComparer.Ordinal);
            reports.Add(new PrecisionReport(deviceId, cameraId, modelName, modelVersion, PrecisionSources.Truth, start, windowEnd, truth));
        }
        return reports;
    }

    private DriftSignals? Drift()
    {
        if (monitoring?.Reference is not { } reference) return null;
        var (referenceMix, actualMix) = DriftMeasures.AlignClassMix(reference.ClassMix, _predicted);
        var actualConfidence = DriftMeasures.Shares(_confidenceBins);
        return new DriftSignals(
            Events,
            Math.Round(DriftMeasures.Psi(referenceMix, actualMix), 4),
            Math.Round(DriftMeasures.JsDistance(referenceMix, actualMix), 4),
            Math.Round(DriftMeasures.Psi(reference.ConfidenceHistogram, actualConfidence), 4),
            Math.Round(DriftMeasures.JsDistance(reference.ConfidenceHistogram, actualConfidence), 4),
            _crops > 0 ? Math.Round(_brightness / _crops, 2) : null,
            _crops > 0 ? Math.Round(_contrast / _crops, 2) : null,
            _boxes > 0 ? Math.Round(Math.Clamp(_boxArea / _boxes, 0, 1), 5) : null);
    }
}
