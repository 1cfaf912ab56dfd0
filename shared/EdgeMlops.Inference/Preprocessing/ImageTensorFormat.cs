using EdgeMlops.Packaging;

namespace EdgeMlops.Inference.Preprocessing;

/// <summary>
/// The compiled form of a model's input description: per-channel affine (value * gain + offset) instead of
/// ((value * scale) - mean) / std, so the inner loop is one multiply-add per value.
/// </summary>
public sealed class ImageTensorFormat
{
    public ImageTensorFormat(int width, int height, int channels, bool rgb, float scale, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Model input size {width}x{height} must be positive.");
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only 1- or 3-channel image inputs are supported.");
        if (mean.Count != channels || std.Count != channels)
            throw new ArgumentException($"Model input declares {channels} channels but {mean.Count} means and {std.Count} stds.");
        if (std.Any(s => s == 0))
            throw new ArgumentException("Model input std must not contain zero.", nameof(std));

        Width = width;
        Height = height;
        Channels = channels;
        Rgb = rgb;
        Gain = new float[channels];
        Offset = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            Gain[c] = scale / std[c];
            Offset[c] = -mean[c] / std[c];
        }
    }

    /// <summary>The compiled form of a package manifest's input description.</summary>
    public static ImageTensorFormat From(ModelInputSpec input)
    {
        if (input.Layout != TensorLayout.Nchw)
            throw new NotSupportedException($"Input layout {input.Layout} is not supported; only NCHW.");
        return new ImageTensorFormat(input.Width, input.Height, input.Channels, input.ColorOrder == ColorOrder.Rgb,
            (float)input.Scale, input.Mean.Select(m => (float)m).ToArray(), input.Std.Select(s => (float)s).ToArray());
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    /// <summary>True when the model wants R,G,B channel order; OpenCV frames are B,G,R.</summary>
    public bool Rgb { get; }

    public float[] Gain { get; }
    public float[] Offset { get; }
    public int ValuesPerImage => Width * Height * Channels;
}
