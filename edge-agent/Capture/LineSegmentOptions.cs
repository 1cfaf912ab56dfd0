namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>A line segment in frame pixels, e.g. a camera's counting line.</summary>
public sealed class LineSegmentOptions
{
    public PixelPoint From { get; set; } = new();
    public PixelPoint To { get; set; } = new();
}
