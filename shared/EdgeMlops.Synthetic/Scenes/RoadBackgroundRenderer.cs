using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>
/// Paints the static part of a highway view (sky, tree line, verges with lamp posts, textured asphalt, lane
/// markings, median). Everything that never moves lives here, so background subtraction on a synthetic
/// camera sees only vehicles and conditions change.
/// </summary>
public static class RoadBackgroundRenderer
{
    /// <summary>Paints a background for <paramref name="layout"/> into <paramref name="target"/> (8-bit BGR, resized to the layout's frame).</summary>
    public static void Render(Mat target, RoadLayout layout, DeterministicRandom rng)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(rng);
        target.Create(layout.Frame, MatType.CV_8UC3);
        int w = layout.Frame.Width, h = layout.Frame.Height;

        PaintSky(target, layout, rng);
        var grass = new Scalar(rng.Range(55, 80), rng.Range(120, 150), rng.Range(80, 110));
        Band(target, layout.Horizon, layout.RoadTop, grass);
        PaintTreeLine(target, layout, rng);
        Band(target, layout.RoadBottom, h, Shade(grass, 1.08));
        Texture(target, new Rect(0, (int)layout.Horizon, w, h - (int)layout.Horizon), 9, 1.2, rng);
        PaintPosts(target, layout, rng);

        double tone = rng.Range(80, 108), tint = rng.Range(-5, 5);
        var asphalt = new Scalar(tone + tint, tone, tone - tint);
        Band(target, layout.RoadTop, layout.RoadBottom, asphalt);
        PaintWheelTracks(target, layout, asphalt);
        if (layout.MedianTop is { } medianTop && layout.MedianBottom is { } medianBottom)
            Band(target, medianTop, medianBottom, Shade(asphalt, 0.82));
        Texture(target, new Rect(0, (int)layout.RoadTop, w, (int)(layout.RoadBottom - layout.RoadTop)), 6, 0.8, rng);
        PaintMarkings(target, layout, rng);
    }

    private static void PaintSky(Mat target, RoadLayout layout, DeterministicRandom rng)
    {
        var top = new Scalar(rng.Range(215, 240), rng.Range(170, 200), rng.Range(120, 150));
        var bottom = new Scalar(rng.Range(230, 245), rng.Range(220, 235), rng.Range(205, 222));
        int rows = (int)Math.Ceiling(layout.Horizon) + 1;
        for (int y = 0; y < rows; y++)
        {
            double t = (double)y / rows;
            var colour = new Scalar(Lerp(top.Val0, bottom.Val0, t), Lerp(top.Val1, bottom.Val1, t), Lerp(top.Val2, bottom.Val2, t));
            Cv2.Line(target, new Point(0, y), new Point(layout.Frame.Width - 1, y), colour);
        }
    }

    private static void PaintTreeLine(Mat target, RoadLayout layout, DeterministicRandom rng)
    {
        double h = layout.Frame.Height;
        double x = -10;
        while (x < layout.Frame.Width + 10)
        {
            double radius = h * rng.Range(0.02, 0.06);
            var foliage = new Scalar(rng.Range(35, 60), rng.Range(70, 105), rng.Range(40, 65));
            var centre = new Point((int)x, (int)(layout.Horizon + radius * rng.Range(-0.2, 0.6)));
            Cv2.Circle(target, centre, (int)radius, foliage, -1, LineTypes.AntiAlias);
            x += radius * rng.Range(0.8, 1.5);
        }
        Band(target, layout.Horizon + 0.04 * h, layout.Horizon + 0.07 * h, new Scalar(40, 85, 50));
    }

    /// <summary>Lamp posts on the far verge: static, and behind all traffic so they never occlude vehicles.</summary>
    private static void PaintPosts(Mat target, RoadLayout layout, DeterministicRandom rng)
    {
        double h = layout.Frame.Height, spacing = layout.Frame.Width * rng.Range(0.25, 0.4);
        var metal = Scalar.All(rng.Range(110, 150));
        int thickness = Math.Max(1, (int)Math.Round(h / 180));
        for (double x = rng.Range(0, spacing); x < layout.Frame.Width; x += spacing)
        {
            int foot = (int)(layout.RoadTop - 0.01 * h), head = (int)(0.08 * h);
            Cv2.Line(target, new Point((int)x, foot), new Point((int)x, head), metal, thickness, LineTypes.AntiAlias);
            Cv2.Line(target, new Point((int)x, head), new Point((int)(x + 0.04 * h), head + thickness), metal, thickness, LineTypes.AntiAlias);
        }
    }

    /// <summary>Slightly darker bands where wheels run, as on worn asphalt.</summary>
    private static void PaintWheelTracks(Mat target, RoadLayout layout, Scalar asphalt)
    {
        var track = Shade(asphalt, 0.93);
        foreach (var lane in layout.Lanes)
        {
            double t = lane.Height * 0.12;
            Band(target, lane.Top + lane.Height * 0.25, lane.Top + lane.Height * 0.25 + t, track);
            Band(target, lane.Top + lane.Height * 0.72, lane.Top + lane.Height * 0.72 + t, track);
        }
    }

    private static void PaintMarkings(Mat target, RoadLayout layout, DeterministicRandom rng)
    {
        var paint = Scalar.All(rng.Range(200, 235));
        var lanes = layout.Lanes;
        int w = layout.Frame.Width;
        EdgeLine(target, lanes[0].Top, lanes[0].PixelsPerMetre, paint, w);
        EdgeLine(target, lanes[^1].Bottom, lanes[^1].PixelsPerMetre, paint, w);
        for (int i = 1; i < lanes.Count; i++)
        {
            var (upper, lower) = (lanes[i - 1], lanes[i]);
            if (upper.Direction != lower.Direction)
            {
                EdgeLine(target, upper.Bottom, upper.PixelsPerMetre, paint, w);
                EdgeLine(target, lower.Top, lower.PixelsPerMetre, paint, w);
                continue;
            }
            double scale = (upper.PixelsPerMetre + lower.PixelsPerMetre) / 2;
            double dash = 3 * scale, period = 12 * scale, phase = rng.Range(0, period);
            int thickness = Math.Max(1, (int)Math.Round(0.12 * scale));
            for (double x = phase - period; x < w; x += period)
                Cv2.Line(target, new Point((int)x, (int)lower.Top), new Point((int)(x + dash), (int)lower.Top), paint, thickness, LineTypes.AntiAlias);
        }
    }

    private static void EdgeLine(Mat target, double y, double scale, Scalar paint, int width)
    {
        int thickness = Math.Max(1, (int)Math.Round(0.15 * scale));
        Cv2.Line(target, new Point(0, (int)y), new Point(width - 1, (int)y), paint, thickness, LineTypes.AntiAlias);
    }

    private static void Band(Mat target, double top, double bottom, Scalar colour) =>
        Cv2.Rectangle(target, new Point(0, (int)Math.Round(top)), new Point(target.Width - 1, (int)Math.Round(bottom) - 1), colour, -1);

    /// <summary>Blurred Gaussian grain, so surfaces have the fine texture real ones have.</summary>
    private static void Texture(Mat target, Rect area, double sigma, double blur, DeterministicRandom rng)
    {
        area &= new Rect(0, 0, target.Width, target.Height);
        if (area.Width <= 0 || area.Height <= 0)
            return;
        using var grain = new Mat(area.Size, MatType.CV_16SC3);
        new RNG(rng.NextUInt64()).Fill(grain, DistributionType.Normal, InputArray.Create(0.0), InputArray.Create(sigma));
        Cv2.GaussianBlur(grain, grain, new Size(0, 0), blur);
        using var region = new Mat(target, area);
        Cv2.Add(region, grain, region, null, (int)MatType.CV_8UC3);
    }

    private static Scalar Shade(Scalar colour, double factor) =>
        new(colour.Val0 * factor, colour.Val1 * factor, colour.Val2 * factor);

    private static double Lerp(double from, double to, double t) => from + (to - from) * t;
}
