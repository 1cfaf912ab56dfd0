using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

internal static class BoxGeometry
{
    public static double Iou(Rect a, Rect b)
    {
        var intersection = a & b;
        if (intersection.Width <= 0 || intersection.Height <= 0) return 0;
        double inter = (double)intersection.Width * intersection.Height;
        double union = (double)a.Width * a.Height + (double)b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }

    public static Point2d Centre(Rect box) => new(box.X + box.Width / 2.0, box.Y + box.Height / 2.0);

    public static double Diagonal(Rect box) => Math.Sqrt((double)box.Width * box.Width + (double)box.Height * box.Height);

    public static double Distance(Point2d a, Point2d b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
