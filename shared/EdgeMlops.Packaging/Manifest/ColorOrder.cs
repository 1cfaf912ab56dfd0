using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>Order of the colour channels in the input tensor.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColorOrder>))]
public enum ColorOrder
{
    /// <summary>Red, green, blue.</summary>
    [JsonStringEnumMemberName("RGB")]
    Rgb,

    /// <summary>Blue, green, red (OpenCV's native order).</summary>
    [JsonStringEnumMemberName("BGR")]
    Bgr,
}
