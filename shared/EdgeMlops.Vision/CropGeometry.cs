using OpenCvSharp;

namespace EdgeMlops.Vision;

/// <summary>
/// How a vehicle crop is cut from a frame. Training crops (synthetic world, image folders) and live crops
/// (edge region proposals) must be cut the same way, or the classifier sees a different domain at run time:
/// a square around the box keeps the vehicle's aspect ratio, which a plain resize of the box would destroy.
/// </summary>
public static class CropGeometry
{
    /// <summary>Share of the box's longer side added as context on every side.</summary>
    public const double DefaultMargin = 0.12;

    /// <summary>
    /// A square of side max(w, h) * (1 + 2 * margin) centred on <paramref name="box"/>, shifted (not clipped)
    /// to stay inside the frame, and shrunk only when the frame itself is smaller than the square.
    /// </summary>
    public static Rect SquareAround(Rect box, Size frame, double margin = DefaultMargin)
    {
        if (frame.Width <= 0 || frame.Height <= 0)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, "Frame size must be positive.");
        if (box.Width <= 0 || box.Height <= 0)
            throw new ArgumentOutOfRangeException(nameof(box), box, "Box size must be positive.");
        if (margin < 0)
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "Margin must not be negative.");

        int side = (int)Math.Round(Math.Max(box.Width, box.Height) * (1 + 2 * margin));
        side = Math.Clamp(side, 1, Math.Min(frame.Width, frame.Height));
        double cx = box.X + box.Width / 2.0, cy = box.Y + box.Height / 2.0;
        int x = (int)Math.Round(cx - side / 2.0), y = (int)Math.Round(cy - side / 2.0);
        x = Math.Clamp(x, 0, frame.Width - side);
        y = Math.Clamp(y, 0, frame.Height - side);
        return new Rect(x, y, side, side);
    }
}
