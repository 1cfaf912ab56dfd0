namespace EdgeMlops.Packaging;

/// <summary>The model's image input and the preprocessing it was trained with.</summary>
/// <remarks>A pixel value <c>p</c> becomes <c>(p * Scale - Mean[c]) / Std[c]</c> for channel <c>c</c>.</remarks>
public sealed record ModelInputSpec
{
    /// <summary>Name of the input tensor in the ONNX graph.</summary>
    public required string TensorName { get; init; }

    /// <summary>Input width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Number of colour channels, e.g. 3.</summary>
    public required int Channels { get; init; }

    /// <summary>Memory layout of the input tensor.</summary>
    public required TensorLayout Layout { get; init; }

    /// <summary>Channel order the model expects.</summary>
    public required ColorOrder ColorOrder { get; init; }

    /// <summary>Factor applied to raw 0-255 pixel values first, e.g. 1/255.</summary>
    public required double Scale { get; init; }

    /// <summary>Per-channel mean subtracted after scaling; one value per channel.</summary>
    public required IReadOnlyList<double> Mean { get; init; }

    /// <summary>Per-channel divisor applied after the mean; one value per channel.</summary>
    public required IReadOnlyList<double> Std { get; init; }
}
