using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>Memory layout of an image tensor.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TensorLayout>))]
public enum TensorLayout
{
    /// <summary>Batch, channel, height, width.</summary>
    [JsonStringEnumMemberName("NCHW")]
    Nchw,
}
