using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// An open or acknowledged alert as the hub publishes it, retained, on <see cref="Topics.AlertOf"/>; the retained
/// message is cleared (an empty payload) when the alert resolves. The same shape is the webhook's detail.
/// </summary>
/// <param name="Id">The hub's alert id.</param>
/// <param name="State">open or acknowledged (resolved alerts are not published, their topic is cleared).</param>
/// <param name="Severity"><c>critical</c> for measured precision under the threshold, <c>warning</c> for estimate and drift signs.</param>
/// <param name="Rule">The rule that opened it, e.g. <c>measured-precision</c>, <c>estimated-precision</c>, <c>drift</c>.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="CameraId">The camera.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The model version the figure is for.</param>
/// <param name="Metric">What was measured, e.g. <c>macro</c>, <c>class:van</c>, <c>classMixPsi</c>.</param>
/// <param name="Figure">The figure, e.g. precision 0.31.</param>
/// <param name="Bound">The bound the rule compared, e.g. the Wilson upper bound 0.38.</param>
/// <param name="Threshold">The threshold it was compared with.</param>
/// <param name="Samples">Samples behind the figure.</param>
/// <param name="WindowStart">Start of the window the figure covers.</param>
/// <param name="WindowEnd">Its end.</param>
/// <param name="OpenedAt">When the alert opened.</param>
/// <param name="SamplesLink">Where its samples are listed (a hub API path with query).</param>
public sealed record AlertMessage(
    long Id,
    string State,
    string Severity,
    string Rule,
    string DeviceId,
    string CameraId,
    string ModelName,
    string ModelVersion,
    string Metric,
    double Figure,
    double Bound,
    double Threshold,
    long Samples,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset OpenedAt,
    string SamplesLink)
{
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
