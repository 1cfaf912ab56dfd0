using EdgeMlops.Inference.Preprocessing;
using OpenCvSharp;

namespace EdgeMlops.Inference.Tests.Preprocessing;

public sealed class CropTensorWriterTests
{
    private static ImageTensorFormat Format(bool rgb, int size = 4) =>
        new(size, size, 3, rgb, scale: 1f / 255, mean: [0.5f, 0.25f, 0f], std: [0.5f, 0.25f, 1f]);

    [Fact]
    public void Writes_planar_channels_normalised_with_mean_and_std()
    {
        using var crop = new Mat(4, 4, MatType.CV_8UC3, new Scalar(255, 0, 51)); // B=255 G=0 R=51
        using var writer = new CropTensorWriter(Format(rgb: true));
        var batch = new float[2 * 3 * 16];

        writer.Write(crop, batch, index: 1);

        var image = batch.AsSpan(48, 48);
        // RGB model: channel 0 = R = 51/255 = 0.2 -> (0.2-0.5)/0.5; channel 1 = G = 0 -> (0-0.25)/0.25; channel 2 = B = 1.
        Assert.All(image[..16].ToArray(), v => Assert.Equal(-0.6f, v, 5));
        Assert.All(image[16..32].ToArray(), v => Assert.Equal(-1f, v, 5));
        Assert.All(image[32..].ToArray(), v => Assert.Equal(1f, v, 5));
        Assert.All(batch.AsSpan(0, 48).ToArray(), v => Assert.Equal(0f, v)); // image 0 untouched
    }

    [Fact]
    public void A_BGR_model_keeps_OpenCV_channel_order()
    {
        using var crop = new Mat(4, 4, MatType.CV_8UC3, new Scalar(255, 0, 51));
        using var writer = new CropTensorWriter(Format(rgb: false));
        var batch = new float[3 * 16];

        writer.Write(crop, batch, 0);

        Assert.Equal((1f - 0.5f) / 0.5f, batch[0], 5);   // B first
        Assert.Equal(0.2f, batch[32], 5);               // R last, mean 0 std 1
    }

    [Fact]
    public void Resizes_any_crop_size_and_reads_submatrix_rows_with_their_stride()
    {
        using var frame = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(0));
        frame[new Rect(10, 10, 40, 40)].SetTo(new Scalar(0, 255, 0));
        using var roi = frame[new Rect(10, 10, 40, 40)]; // not continuous: row stride is the frame's
        using var writer = new CropTensorWriter(new ImageTensorFormat(8, 8, 3, true, 1f / 255, [0, 0, 0], [1, 1, 1]));
        var batch = new float[3 * 64];

        writer.Write(roi, batch, 0);

        Assert.All(batch[64..128], v => Assert.Equal(1f, v, 5));
        Assert.All(batch[..64], v => Assert.Equal(0f, v, 5));
    }

    [Fact]
    public void Grey_crops_feed_a_colour_model_as_three_equal_channels()
    {
        using var crop = new Mat(4, 4, MatType.CV_8UC1, Scalar.All(102));
        using var writer = new CropTensorWriter(new ImageTensorFormat(4, 4, 3, true, 1f / 255, [0, 0, 0], [1, 1, 1]));
        var batch = new float[48];

        writer.Write(crop, batch, 0);

        Assert.All(batch, v => Assert.Equal(0.4f, v, 5));
    }

    [Fact]
    public void An_empty_crop_is_rejected_with_a_clear_error()
    {
        using var writer = new CropTensorWriter(Format(true));
        using var empty = new Mat();

        var error = Assert.Throws<ArgumentException>(() => writer.Write(empty, new float[48], 0));

        Assert.Contains("empty", error.Message);
    }
}
