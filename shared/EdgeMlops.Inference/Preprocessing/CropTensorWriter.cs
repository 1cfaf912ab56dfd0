using OpenCvSharp;

namespace EdgeMlops.Inference.Preprocessing;

/// <summary>
/// Writes crops into an NCHW float buffer. One instance per session thread: it owns the resize scratch Mats,
/// so steady-state classification allocates nothing per crop.
/// </summary>
public sealed class CropTensorWriter(ImageTensorFormat format) : IDisposable
{
    private readonly Mat _resized = new();
    private readonly Mat _converted = new();

    public ImageTensorFormat Format => format;

    /// <summary>Resizes <paramref name="crop"/> (8-bit BGR, BGRA or grey, any size) and writes image <paramref name="index"/> of the batch.</summary>
    public unsafe void Write(Mat crop, Span<float> batch, int index)
    {
        ArgumentNullException.ThrowIfNull(crop);
        if (crop.Empty())
            throw new ArgumentException("Crop is empty.", nameof(crop));
        if (crop.Depth() != MatType.CV_8U)
            throw new ArgumentException($"Crop must be 8-bit; got {crop.Type()}.", nameof(crop));

        var source = ToModelChannels(crop, format, _converted);
        var size = new Size(format.Width, format.Height);
        Mat pixels = source;
        if (source.Width != format.Width || source.Height != format.Height)
        {
            Cv2.Resize(source, _resized, size, 0, 0, InterpolationFor(source, format));
            pixels = _resized;
        }

        int plane = format.Width * format.Height;
        var image = batch.Slice(index * format.ValuesPerImage, format.ValuesPerImage);
        fixed (float* dst = image)
        {
            if (format.Channels == 1)
                WriteGrey(pixels, dst, format.Gain[0], format.Offset[0]);
            else
                WriteColour(pixels, dst, plane);
        }
    }

    /// <summary>
    /// INTER_AREA only for strong shrinking (2x or more), where bilinear sampling would skip pixels and alias;
    /// below that, bilinear sees every pixel and costs a quarter of area averaging's non-integer path.
    /// </summary>
    internal static InterpolationFlags InterpolationFor(Mat source, ImageTensorFormat format) =>
        source.Width >= 2 * format.Width && source.Height >= 2 * format.Height
            ? InterpolationFlags.Area
            : InterpolationFlags.Linear;

    /// <summary>The crop in the model's channel count (B,G,R or grey), converted into <paramref name="scratch"/> when needed.</summary>
    internal static Mat ToModelChannels(Mat crop, ImageTensorFormat format, Mat scratch)
    {
        int channels = crop.Channels();
        if (format.Channels == 3)
        {
            if (channels == 3) return crop;
            Cv2.CvtColor(crop, scratch, channels == 1 ? ColorConversionCodes.GRAY2BGR : ColorConversionCodes.BGRA2BGR);
            return scratch;
        }
        if (channels == 1) return crop;
        Cv2.CvtColor(crop, scratch, channels == 3 ? ColorConversionCodes.BGR2GRAY : ColorConversionCodes.BGRA2GRAY);
        return scratch;
    }

    private unsafe void WriteColour(Mat pixels, float* dst, int plane)
    {
        // OpenCV pixels are B,G,R: a model that wants RGB takes its first channel from byte 2.
        int first = format.Rgb ? 2 : 0, last = 2 - first;
        float g0 = format.Gain[0], g1 = format.Gain[1], g2 = format.Gain[2];
        float f0 = format.Offset[0], f1 = format.Offset[1], f2 = format.Offset[2];
        float* c0 = dst, c1 = dst + plane, c2 = dst + 2 * plane;
        long step = pixels.Step();
        byte* data = (byte*)pixels.Data;
        // Bounds in locals: the JIT cannot hoist field reads past stores through raw pointers.
        int width = format.Width, height = format.Height;
        for (int y = 0; y < height; y++)
        {
            byte* row = data + y * step;
            float* o0 = c0 + y * width, o1 = c1 + y * width, o2 = c2 + y * width;
            for (int x = 0; x < width; x++, row += 3)
            {
                o0[x] = row[first] * g0 + f0;
                o1[x] = row[1] * g1 + f1;
                o2[x] = row[last] * g2 + f2;
            }
        }
    }

    private unsafe void WriteGrey(Mat pixels, float* dst, float gain, float offset)
    {
        long step = pixels.Step();
        byte* data = (byte*)pixels.Data;
        int i = 0;
        for (int y = 0; y < format.Height; y++)
        {
            byte* row = data + y * step;
            for (int x = 0; x < format.Width; x++, i++)
                dst[i] = row[x] * gain + offset;
        }
    }

    public void Dispose()
    {
        _resized.Dispose();
        _converted.Dispose();
    }
}
