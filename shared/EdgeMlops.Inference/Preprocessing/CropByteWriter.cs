using OpenCvSharp;

namespace EdgeMlops.Inference.Preprocessing;

/// <summary>
/// Writes crops as uint8 pixels, NHWC, at the model's size, for a graph that does colour order and normalisation
/// itself (<see cref="FusedPreprocessingModel"/>). Resizing and channel conversion are exactly
/// <see cref="CropTensorWriter"/>'s, so both paths feed the model the same values. One instance per thread.
/// </summary>
public sealed class CropByteWriter(ImageTensorFormat format) : IDisposable
{
    private readonly Mat _converted = new();

    public ImageTensorFormat Format => format;

    /// <summary>Bytes of one image: width x height x channels.</summary>
    public int BytesPerImage => format.ValuesPerImage;

    /// <summary>Resizes <paramref name="crop"/> (8-bit BGR, BGRA or grey, any size) into image <paramref name="index"/> of <paramref name="batch"/>.</summary>
    public unsafe void Write(Mat crop, byte* batch, int index)
    {
        ArgumentNullException.ThrowIfNull(crop);
        if (crop.Empty())
            throw new ArgumentException("Crop is empty.", nameof(crop));
        if (crop.Depth() != MatType.CV_8U)
            throw new ArgumentException($"Crop must be 8-bit; got {crop.Type()}.", nameof(crop));

        var source = CropTensorWriter.ToModelChannels(crop, format, _converted);
        byte* image = batch + (long)index * BytesPerImage;
        var type = format.Channels == 3 ? MatType.CV_8UC3 : MatType.CV_8UC1;
        // A header over the batch buffer: OpenCV writes the resized pixels straight into place (same size and
        // type, so it never reallocates), saving a copy per crop.
        using var target = Mat.FromPixelData(format.Height, format.Width, type, (IntPtr)image);
        if (source.Width != format.Width || source.Height != format.Height)
            Cv2.Resize(source, target, new Size(format.Width, format.Height), 0, 0, CropTensorWriter.InterpolationFor(source, format));
        else
            source.CopyTo(target);
    }

    public void Dispose() => _converted.Dispose();
}
