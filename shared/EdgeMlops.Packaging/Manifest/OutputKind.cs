using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>What the values of the output tensor mean.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutputKind>))]
public enum OutputKind
{
    /// <summary>Scores already sum to one per sample.</summary>
    [JsonStringEnumMemberName("probabilities")]
    Probabilities,

    /// <summary>Raw scores; apply a softmax to get probabilities.</summary>
    [JsonStringEnumMemberName("logits")]
    Logits,
}
