using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>What one camera's pipeline did over one reporting interval.</summary>
/// <param name="DeviceId">The edge device.</param>
/// <param name="CameraId">The camera on that device.</param>
/// <param name="IntervalStart">Start of the interval (inclusive).</param>
/// <param name="IntervalEnd">End of the interval (exclusive).</param>
/// <param name="Frames">Frames decoded in the interval.</param>
/// <param name="Fps">Frames processed per second over the interval.</param>
/// <param name="LatencyMs">Latency percentiles per pipeline stage (decode, propose, classify, ...).</param>
/// <param name="Drops">Items dropped per stage under overload.</param>
/// <param name="Reconnects">Times the source was reopened.</param>
/// <param name="Vehicles">Vehicle events per class.</param>
/// <param name="EstimatedPrecision">Precision estimated from confidences alone, in [0, 1], when enough vehicles were seen.</param>
/// <param name="ModelName">The classifier serving at the interval's end (a swap inside the interval shows in the events, which each name theirs).</param>
/// <param name="ModelVersion">Its version.</param>
public sealed record CameraStats(
    string DeviceId,
    string CameraId,
    DateTimeOffset IntervalStart,
    DateTimeOffset IntervalEnd,
    long Frames,
    double Fps,
    IReadOnlyDictionary<string, LatencyPercentiles> LatencyMs,
    IReadOnlyDictionary<string, long> Drops,
    int Reconnects,
    IReadOnlyDictionary<string, long> Vehicles,
    double? EstimatedPrecision = null,
    string? ModelName = null,
    string? ModelVersion = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}
