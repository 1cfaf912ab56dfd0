using OpenCvSharp;

namespace EdgeMlops.Synthetic.Conditions;

/// <summary>
/// Applies a <see cref="Condition"/> to 8-bit BGR images in place. Owns its scratch images, so one instance per
/// stream renders frame after frame without allocating; not thread-safe. The image is treated as a camera frame
/// whose top is farther away than its bottom (fog thickens towards the top).
/// </summary>
public sealed class ConditionPainter : IDisposable
{
    // Fixed-point bits for sub-pixel lamp and streak positions.
    private const int Shift = 3;
    private const float Unit = 1 << Shift;

    private const int NoiseTile = 256;
    private const ulong NoiseBankSeed = 0x5EED_0F_5E_4503;
    // Stored larger than any sigma used so that rounding to 16-bit integers loses nothing visible.
    private const double NoiseBankSigma = 32;

    private readonly Mat _lut = new(1, 256, MatType.CV_8UC3);
    private readonly Mat _overlay = new();
    private readonly Mat _noiseBank = new();
    private readonly List<LampLight> _regionLamps = [];
    private Condition? _lutCondition;

    /// <summary>
    /// Applies <paramref name="condition"/> to <paramref name="image"/>. Random parts (noise, rain streaks, glare)
    /// come from <paramref name="rng"/>. Lamps glow at dusk and night where <paramref name="lamps"/> says; without
    /// lamps a couple of glare blobs are placed at random, standing in for the lights of unseen traffic.
    /// </summary>
    public void Apply(Mat image, Condition condition, DeterministicRandom rng, IReadOnlyList<LampLight>? lamps = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ApplyToRegion(image, new Rect(0, 0, image.Width, image.Height), condition, rng, lamps);
    }

    /// <summary>
    /// Applies <paramref name="condition"/> to <paramref name="region"/> of <paramref name="frame"/> only, as it would
    /// look in the whole frame (fog by frame row, glow and streaks by frame height, lamps in frame coordinates).
    /// Saves the work on pixels that will be cut away anyway, e.g. when only a crop is kept.
    /// </summary>
    public void ApplyToRegion(Mat frame, Rect region, Condition condition, DeterministicRandom rng, IReadOnlyList<LampLight>? lamps = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(rng);
        if (frame.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"Conditions apply to 8-bit BGR images; got {frame.Type()}.", nameof(frame));
        if (region.X < 0 || region.Y < 0 || region.Right > frame.Width || region.Bottom > frame.Height)
            throw new ArgumentOutOfRangeException(nameof(region), region, $"Region must lie inside the {frame.Width}x{frame.Height} frame.");
        if (condition.IsClear || region.Width == 0 || region.Height == 0)
            return;

        bool whole = region.Width == frame.Width && region.Height == frame.Height;
        using var part = whole ? null : new Mat(frame, region);
        var image = part ?? frame;
        var frameSize = frame.Size();
        double k = condition.Intensity;
        switch (condition.Kind)
        {
            case ConditionKind.Dusk:
                ApplyCurve(image, condition);
                AddLampGlow(image, frameSize, LampsIn(region, lamps, frameSize, rng), 0.45 * k);
                AddNoise(image, 1 + 2.5 * k, rng);
                break;
            case ConditionKind.Night:
                ApplyCurve(image, condition);
                AddLampGlow(image, frameSize, LampsIn(region, lamps, frameSize, rng), 0.3 + 0.7 * k);
                AddNoise(image, 2 + 7 * k, rng);
                break;
            case ConditionKind.Rain:
                ApplyCurve(image, condition);
                Cv2.GaussianBlur(image, image, new Size(0, 0), 0.4 + 0.6 * k);
                AddRainStreaks(image, frameSize, k, rng);
                AddNoise(image, 1.5 + 2.5 * k, rng);
                break;
            case ConditionKind.Fog:
                BlendFog(image, region.Y, frameSize.Height, k);
                Cv2.GaussianBlur(image, image, new Size(0, 0), 0.3 + 0.7 * k);
                AddNoise(image, 1 + 1.5 * k, rng);
                break;
        }
    }

    /// <summary>Releases the scratch images.</summary>
    public void Dispose()
    {
        _lut.Dispose();
        _overlay.Dispose();
        _noiseBank.Dispose();
    }

    /// <summary>Per-channel tone curve: darkening, tint and contrast of the light level, in one table lookup.</summary>
    private unsafe void ApplyCurve(Mat image, Condition condition)
    {
        if (_lutCondition != condition)
        {
            double k = condition.Intensity;
            (double gamma, double gain, double b, double g, double r, double pull, double towards) = condition.Kind switch
            {
                ConditionKind.Dusk => (1 + 0.2 * k, 1 - 0.45 * k, 1 - 0.25 * k, 1 - 0.08 * k, 1 + 0.05 * k, 0.0, 0.0),
                ConditionKind.Night => (1 + 0.9 * k, 1 - 0.72 * k, 1 + 0.15 * k, 1.0, 1 - 0.15 * k, 0.0, 0.0),
                ConditionKind.Rain => (1.0, 1 - 0.25 * k, 1 + 0.04 * k, 1.0, 1 - 0.03 * k, 0.3 * k, 110.0),
                _ => throw new InvalidOperationException($"{condition.Kind} has no tone curve."),
            };
            byte* table = (byte*)_lut.DataPointer;
            for (int i = 0; i < 256; i++)
            {
                double level = 255 * Math.Pow(i / 255.0, gamma);
                level = level * (1 - pull) + towards * pull;
                table[3 * i] = Saturate(level * gain * b);
                table[3 * i + 1] = Saturate(level * gain * g);
                table[3 * i + 2] = Saturate(level * gain * r);
            }
            _lutCondition = condition;
        }
        Cv2.LUT(image, _lut, image);
    }

    /// <summary>Airlight blend towards grey-white; the share grows with distance, i.e. towards the top row.</summary>
    private static unsafe void BlendFog(Mat image, int firstFrameRow, int frameRows, double k)
    {
        const int fogB = 210, fogG = 208, fogR = 202;
        int rows = image.Rows, cols = image.Cols;
        for (int y = 0; y < rows; y++)
        {
            double distance = 1 - (double)(y + firstFrameRow) / Math.Max(1, frameRows - 1);
            int alpha = (int)Math.Round(256 * k * (0.3 + 0.6 * Math.Pow(distance, 1.5)));
            int keep = 256 - alpha;
            int addB = fogB * alpha, addG = fogG * alpha, addR = fogR * alpha;
            byte* p = (byte*)image.Ptr(y);
            for (int x = 0; x < cols; x++, p += 3)
            {
                p[0] = (byte)((p[0] * keep + addB) >> 8);
                p[1] = (byte)((p[1] * keep + addG) >> 8);
                p[2] = (byte)((p[2] * keep + addR) >> 8);
            }
        }
    }

    /// <summary>Soft additive glow around lamps plus a hot core, the way bright points bloom on a small sensor.</summary>
    private void AddLampGlow(Mat image, Size frameSize, IReadOnlyList<LampLight> lamps, double strength)
    {
        if (lamps.Count == 0 || strength <= 0)
            return;
        _overlay.Create(image.Size(), MatType.CV_8UC3);
        _overlay.SetTo(Scalar.All(0));
        foreach (var lamp in lamps)
        {
            float radius = Math.Max(1.5f, lamp.Radius);
            var centre = Fixed(lamp.Position);
            var colour = lamp.Kind == LampKind.Head ? new Scalar(225, 240, 255) : new Scalar(50, 50, 255);
            Cv2.Circle(_overlay, centre, (int)(radius * 2.4 * Unit), Scaled(colour, strength), -1, LineTypes.AntiAlias, Shift);
            if (lamp.Kind == LampKind.Head)
                Cv2.Ellipse(_overlay, new RotatedRect(lamp.Position, new Size2f(radius * 14, radius * 2.2), 0), Scaled(colour, 0.5 * strength), -1, LineTypes.AntiAlias);
        }
        double sigma = Math.Max(1.5, frameSize.Height / 90.0);
        Cv2.GaussianBlur(_overlay, _overlay, new Size(0, 0), sigma);
        Cv2.Add(image, _overlay, image);
        foreach (var lamp in lamps)
        {
            var core = lamp.Kind == LampKind.Head ? new Scalar(250, 255, 255) : new Scalar(90, 90, 255);
            Cv2.Circle(image, Fixed(lamp.Position), (int)(Math.Max(1f, lamp.Radius) * Unit), core, -1, LineTypes.AntiAlias, Shift);
        }
    }

    private void AddRainStreaks(Mat image, Size frameSize, double k, DeterministicRandom rng)
    {
        _overlay.Create(image.Size(), MatType.CV_8UC3);
        _overlay.SetTo(Scalar.All(0));
        int count = (int)(k * image.Width * image.Height / 700);
        double slant = rng.Range(0.12, 0.3);
        for (int i = 0; i < count; i++)
        {
            double x = rng.Range(0, image.Width), y = rng.Range(0, image.Height);
            double length = frameSize.Height * rng.Range(0.025, 0.07);
            var from = new Point2f((float)x, (float)y);
            var to = new Point2f((float)(x - slant * length), (float)(y + length));
            Cv2.Line(_overlay, Fixed(from), Fixed(to), Scalar.All(rng.Range(150, 230)), 1, LineTypes.AntiAlias, Shift);
        }
        Cv2.ScaleAdd(_overlay, 0.15 + 0.25 * k, image, image);
    }

    /// <summary>
    /// Gaussian sensor noise. Drawing fresh normal samples for every pixel of every frame costs more than all
    /// other effects together, so tiles are cut at random offsets from a fixed bank of noise instead. The bank's
    /// seed is a constant, so an image's noise depends only on <paramref name="rng"/>, not on what the painter
    /// processed before.
    /// </summary>
    private void AddNoise(Mat image, double sigma, DeterministicRandom rng)
    {
        if (_noiseBank.Empty())
        {
            _noiseBank.Create(2 * NoiseTile, 2 * NoiseTile, MatType.CV_16SC3);
            new RNG(NoiseBankSeed).Fill(_noiseBank, DistributionType.Normal, InputArray.Create(0.0), InputArray.Create(NoiseBankSigma));
        }
        int width = image.Width, height = image.Height;
        for (int y = 0; y < height; y += NoiseTile)
        {
            for (int x = 0; x < width; x += NoiseTile)
            {
                int w = Math.Min(NoiseTile, width - x), h = Math.Min(NoiseTile, height - y);
                using var target = new Mat(image, new Rect(x, y, w, h));
                using var noise = new Mat(_noiseBank, new Rect(rng.NextInt(NoiseTile + 1), rng.NextInt(NoiseTile + 1), w, h));
                Cv2.AddWeighted(target, 1, noise, sigma / NoiseBankSigma, 0, target, (int)MatType.CV_8U);
            }
        }
    }

    /// <summary>The lamps to glow, moved into region coordinates; random glare when the caller knows of none.</summary>
    private List<LampLight> LampsIn(Rect region, IReadOnlyList<LampLight>? lamps, Size frameSize, DeterministicRandom rng)
    {
        _regionLamps.Clear();
        if (lamps is null)
        {
            int count = 1 + rng.NextInt(2);
            for (int i = 0; i < count; i++)
            {
                var position = new Point2f((float)rng.Range(0, region.Width), (float)rng.Range(region.Height * 0.4, region.Height));
                var kind = rng.Chance(0.6) ? LampKind.Head : LampKind.Tail;
                _regionLamps.Add(new LampLight(position, (float)(frameSize.Height * rng.Range(0.005, 0.012)), kind));
            }
            return _regionLamps;
        }
        foreach (var lamp in lamps)
            _regionLamps.Add(lamp with { Position = new Point2f(lamp.Position.X - region.X, lamp.Position.Y - region.Y) });
        return _regionLamps;
    }

    private static Point Fixed(Point2f p) => new((int)Math.Round(p.X * Unit), (int)Math.Round(p.Y * Unit));

    private static Scalar Scaled(Scalar colour, double factor) =>
        new(colour.Val0 * factor, colour.Val1 * factor, colour.Val2 * factor);

    private static byte Saturate(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
