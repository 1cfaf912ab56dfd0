using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>How <see cref="IPrecisionReader.Figures"/> groups: one figure per series, per class, or per time bucket.</summary>
public enum PrecisionGrouping { Total, Class, Window }

/// <summary>
/// What to aggregate. Null filters match everything; <paramref name="Bucket"/> sizes the windows of
/// <see cref="PrecisionGrouping.Window"/> (default one hour).
/// </summary>
public sealed record PrecisionQuery(
    DateTimeOffset From,
    DateTimeOffset To,
    string? DeviceId = null,
    string? CameraId = null,
    string? ModelName = null,
    string? ModelVersion = null,
    string? Source = null,
    PrecisionGrouping By = PrecisionGrouping.Total,
    TimeSpan? Bucket = null);

/// <summary>
/// One precision figure of one series (device, camera, model version, source) over [<paramref name="From"/>,
/// <paramref name="To"/>): <paramref name="Metric"/> is <c>macro</c> or <c>class:&lt;label&gt;</c>. For a class the
/// interval is the Wilson interval of <paramref name="Correct"/> out of <paramref name="Samples"/>; for macro (the mean
/// of the class precisions over the classes predicted) it is the Wilson interval of that mean at its effective sample
/// size (<see cref="WilsonInterval.OfMean"/>), and <paramref name="Samples"/> is the total. <paramref name="CameraId"/> is null for the canary set.
/// </summary>
public sealed record PrecisionFigure(
    string DeviceId,
    string? CameraId,
    string ModelName,
    string ModelVersion,
    string Source,
    string Metric,
    DateTimeOffset From,
    DateTimeOffset To,
    double Samples,
    double Correct,
    double Precision,
    double Lower,
    double Upper)
{
    /// <summary>The metric name of the macro figure.</summary>
    public const string Macro = "macro";

    /// <summary>The metric name of one class's figure.</summary>
    public static string ClassMetric(string label) => $"class:{label}";
}

/// <summary>Drift signals of one camera and model version over a window, event-weighted means of what the box reported.</summary>
public sealed record DriftFigure(
    string DeviceId,
    string CameraId,
    string ModelName,
    string ModelVersion,
    DateTimeOffset From,
    DateTimeOffset To,
    DriftSignals Signals);

/// <summary>
/// Precision as the hub knows it, from every source: the boxes' reports (<see cref="PrecisionSources.Canary"/>,
/// <see cref="PrecisionSources.Estimated"/>, <see cref="PrecisionSources.Truth"/>, <see cref="PrecisionSources.Feed"/>)
/// and the hub's own reviews (<see cref="PrecisionSources.Review"/>). What the API, the alert rules and the console read.
/// </summary>
public interface IPrecisionReader
{
    /// <summary>Figures matching <paramref name="query"/>; with <see cref="PrecisionGrouping.Total"/> and <see cref="PrecisionGrouping.Class"/> the macro figure of each series is included.</summary>
    IReadOnlyList<PrecisionFigure> Figures(PrecisionQuery query);

    /// <summary>Drift signals per camera and model version over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    IReadOnlyList<DriftFigure> Drift(DateTimeOffset from, DateTimeOffset to, string? deviceId = null, string? cameraId = null);
}
