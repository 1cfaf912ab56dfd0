using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Alerts;

/// <summary>
/// An <see cref="IPrecisionReader"/> the test feeds: per series (device, camera, model, version, source) the counts of
/// each class, turned into figures with the real <see cref="WilsonInterval"/> the way the reader's contract states (macro
/// = mean of the per-class bounds, samples = total). It ignores the window: the test decides what the window holds.
/// </summary>
internal sealed class FedPrecisionReader : IPrecisionReader
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Device, string Camera, string Model, string Version, string Source), Dictionary<string, (double Predicted, double Correct)>> _series = [];
    private readonly List<(string Device, string Camera, string Model, string Version, DriftSignals Signals)> _drift = [];

    /// <summary>Sets one series to <paramref name="correct"/> out of <paramref name="predicted"/> for a single class (replacing what it held).</summary>
    public void Set(string device, string camera, string version, double correct, double predicted, string source = PrecisionSources.Review,
        string model = "vehicle-classifier", string label = "car")
    {
        lock (_lock)
            _series[(device, camera, model, version, source)] = new() { [label] = (predicted, correct) };
    }

    /// <summary>Sets one series with several classes.</summary>
    public void SetClasses(string device, string camera, string version, IReadOnlyDictionary<string, (double Predicted, double Correct)> classes,
        string source = PrecisionSources.Review, string model = "vehicle-classifier")
    {
        lock (_lock)
            _series[(device, camera, model, version, source)] = new(classes);
    }

    public void SetDrift(string device, string camera, string version, DriftSignals signals, string model = "vehicle-classifier")
    {
        lock (_lock)
        {
            _drift.RemoveAll(d => d.Device == device && d.Camera == camera && d.Model == model && d.Version == version);
            _drift.Add((device, camera, model, version, signals));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _series.Clear();
            _drift.Clear();
        }
    }

    public IReadOnlyList<PrecisionFigure> Figures(PrecisionQuery query)
    {
        lock (_lock)
        {
            var figures = new List<PrecisionFigure>();
            foreach (var ((device, camera, model, version, source), classes) in _series)
            {
                var perClass = classes.Select(c =>
                {
                    var interval = WilsonInterval.Of(c.Value.Correct, c.Value.Predicted);
                    return new PrecisionFigure(device, camera, model, version, source, PrecisionFigure.ClassMetric(c.Key), query.From, query.To,
                        c.Value.Predicted, c.Value.Correct, c.Value.Correct / c.Value.Predicted, interval.Lower, interval.Upper);
                }).ToList();
                var samples = perClass.Sum(f => f.Samples);
                var correct = perClass.Sum(f => f.Correct);
                figures.Add(new PrecisionFigure(device, camera, model, version, source, PrecisionFigure.Macro, query.From, query.To, samples, correct,
                    perClass.Average(f => f.Precision), perClass.Average(f => f.Lower), perClass.Average(f => f.Upper)));
                if (query.By == PrecisionGrouping.Class)
                    figures.AddRange(perClass);
            }
            return figures;
        }
    }

    public IReadOnlyList<DriftFigure> Drift(DateTimeOffset from, DateTimeOffset to, string? deviceId = null, string? cameraId = null)
    {
        lock (_lock)
            return _drift.Select(d => new DriftFigure(d.Device, d.Camera, d.Model, d.Version, from, to, d.Signals)).ToList();
    }
}
