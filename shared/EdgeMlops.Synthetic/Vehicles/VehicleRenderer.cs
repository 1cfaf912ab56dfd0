using EdgeMlops.Synthetic.Conditions;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Paints <see cref="VehicleShape"/>s into frames and masks.</summary>
public static class VehicleRenderer
{
    /// <summary>Paints <paramref name="shape"/> with its top-left corner at <paramref name="topLeft"/>; returns its box (unclipped).</summary>
    public static Rect Draw(Mat frame, VehicleShape shape, Point2d topLeft)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(shape);
        Draw(frame, shape, topLeft, paint: null);
        return shape.BoundsAt(topLeft);
    }

    /// <summary>Paints every part in its own colour, or all in <paramref name="paint"/> when given.</summary>
    internal static void Draw(Mat frame, VehicleShape shape, Point2d topLeft, Scalar? paint)
    {
        var offset = FixedOffset(topLeft);
        foreach (var part in shape.Parts)
            Cv2.FillPoly(frame, part.Contour, paint ?? part.Colour, LineTypes.AntiAlias, VehicleShape.Shift, offset);
    }

    /// <summary>
    /// Fills the silhouette with <paramref name="value"/>, without anti-aliasing, so a label map holds exactly one
    /// owner per pixel (used to measure how much of a vehicle is visible).
    /// </summary>
    public static void DrawSilhouette(Mat mask, VehicleShape shape, Point2d topLeft, byte value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(shape);
        var offset = FixedOffset(topLeft);
        var colour = new Scalar(value);
        foreach (var part in shape.Parts)
            Cv2.FillPoly(mask, part.Contour, colour, LineTypes.Link8, VehicleShape.Shift, offset);
    }

    /// <summary>Adds the shape's lamps, placed at <paramref name="topLeft"/>, to <paramref name="lamps"/>.</summary>
    public static void AddLamps(VehicleShape shape, Point2d topLeft, ICollection<LampLight> lamps)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(lamps);
        foreach (var lamp in shape.Lamps)
            lamps.Add(lamp with { Position = new Point2f(lamp.Position.X + (float)topLeft.X, lamp.Position.Y + (float)topLeft.Y) });
    }

    // OpenCV adds the offset before applying the shift, so it is given in the same fixed-point units as the points.
    private static Point FixedOffset(Point2d topLeft) =>
        new((int)Math.Round(topLeft.X * VehicleShape.Unit), (int)Math.Round(topLeft.Y * VehicleShape.Unit));
}
