using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Detection;

/// <summary>
/// A fixed camera's view drawn in the test: a textured static background with a little sensor noise per frame,
/// and one textured rectangle (a vehicle has edges, windows, lights) moving across it at constant speed,
/// optionally with a shadow on the road below it. A uniform object would be the wrong test: where its colour
/// stays put while it moves, any background model absorbs it. The object enters after the background model has
/// seen the empty road, as on a real road; while the model is new, it cannot tell dark panels from shadows.
/// </summary>
internal sealed class MovingObjectScene : IDisposable
{
    private readonly Mat _background;
    private readonly Mat _noise;
    private readonly Lazy<Mat> _texture;

    public MovingObjectScene(int width = 320, int height = 240)
    {
        _background = new Mat(height, width, MatType.CV_8UC3, new Scalar(110, 120, 115));
        var random = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            var colour = new Scalar(random.Next(60, 200), random.Next(60, 200), random.Next(60, 200));
            var corner = new Point(random.Next(width), random.Next(height));
            Cv2.Rectangle(_background, new Rect(corner, new Size(random.Next(5, 40), random.Next(5, 40))), colour, -1);
        }
        _noise = new Mat(height, width, MatType.CV_8UC3);
        _texture = new Lazy<Mat>(() => Texture(ObjectSize));
    }

    public Size ObjectSize { get; init; } = new(48, 32);
    public Point Start { get; init; } = new(10, 100);
    public Point Step { get; init; } = new(5, 0);
    public int ShadowHeight { get; init; }

    /// <summary>The frame in which the object appears at <see cref="Start"/>; before it the road is empty.</summary>
    public int EntersAt { get; init; }

    public Rect ObjectAt(int frame) =>
        new(new Point(Start.X + Step.X * (frame - EntersAt), Start.Y + Step.Y * (frame - EntersAt)), ObjectSize);

    /// <summary>Frame <paramref name="index"/>; <paramref name="withObject"/> false gives the empty scene.</summary>
    public Mat Frame(int index, bool withObject = true)
    {
        var frame = _background.Clone();
        if (withObject && index >= EntersAt)
        {
            var box = ObjectAt(index);
            if (ShadowHeight > 0)
            {
                using var road = new Mat(frame, new Rect(box.X, box.Bottom, box.Width, ShadowHeight));
                road.ConvertTo(road, -1, alpha: 0.6);
            }
            using var place = new Mat(frame, box);
            _texture.Value.CopyTo(place);
        }
        Cv2.Randu(_noise, Scalar.All(0), Scalar.All(6));
        Cv2.Add(frame, _noise, frame);
        return frame;
    }

    public void Dispose()
    {
        _background.Dispose();
        _noise.Dispose();
        if (_texture.IsValueCreated) _texture.Value.Dispose();
    }

    /// <summary>
    /// A mosaic of 4 px panels in random colours. It moves further than a panel per frame, so no pixel keeps the
    /// object's colour long enough to be taken for background.
    /// </summary>
    private static Mat Texture(Size size)
    {
        var texture = new Mat(size, MatType.CV_8UC3);
        var random = new Random(5);
        for (int y = 0; y < size.Height; y += 4)
        for (int x = 0; x < size.Width; x += 4)
        {
            var colour = new Scalar(random.Next(256), random.Next(256), random.Next(256));
            Cv2.Rectangle(texture, new Rect(x, y, 4, 4), colour, -1);
        }
        return texture;
    }
}
