using System.Text.Json.Serialization;

namespace EdgeMlops.Synthetic.Video;

/// <summary>One line of a <c>.truth.jsonl</c> sidecar.</summary>
internal sealed record TruthLineJson(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("frame")] long Frame,
    [property: JsonPropertyName("tMs")] long TimestampMs,
    [property: JsonPropertyName("objects")] IReadOnlyList<TruthObjectJson>? Objects);

/// <summary>One object of a sidecar line.</summary>
internal sealed record TruthObjectJson(
    [property: JsonPropertyName("trackId")] int TrackId,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("x")] int X,
    [property: JsonPropertyName("y")] int Y,
    [property: JsonPropertyName("w")] int W,
    [property: JsonPropertyName("h")] int H,
    [property: JsonPropertyName("visible")] double Visible);

[JsonSourceGenerationOptions(WriteIndented = false, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TruthLineJson))]
internal sealed partial class GroundTruthJsonContext : JsonSerializerContext;
