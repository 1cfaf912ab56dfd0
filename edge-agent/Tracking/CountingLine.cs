using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>A line segment in the image across which passing tracks are counted.</summary>
public sealed class CountingLine
{
    public CountingLine(Point2d from, Point2d to)
    {
        if (from == to) throw new ArgumentException($"A counting line needs two different points; got {from} twice.", nameof(to));
        From = from;
        To = to;
    }

    public Point2d From { get; }
    public Point2d To { get; }

    /// <summary>+1 right of the line (walking From to To in image coordinates, y down), -1 left, 0 on it.</summary>
    public int SideOf(Point2d point) => Math.Sign(Cross(To - From, point - From));

    /// <summary>
    /// The direction in which a move from <paramref name="start"/> to <paramref name="end"/> crosses the segment,
    /// or null when it does not (same side, or passing beyond one of its ends).
    /// </summary>
    public CrossingDirection? Crossing(Point2d start, Point2d end)
    {
        int startSide = SideOf(start), endSide = SideOf(end);
        if (startSide == 0 || endSide == 0 || startSide == endSide) return null;
        // The segment's ends must lie on different sides of the move (or on it), or the move passed beside the segment.
        var move = end - start;
        if (Math.Sign(Cross(move, From - start)) * Math.Sign(Cross(move, To - start)) > 0) return null;
        return startSide < 0 ? CrossingDirection.LeftToRight : CrossingDirection.RightToLeft;
    }

    private static double Cross(Point2d a, Point2d b) => a.X * b.Y - a.Y * b.X;
}
