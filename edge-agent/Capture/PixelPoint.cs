using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>A point in frame pixels, as written in configuration (<c>{ "X": 10, "Y": 20 }</c>).</summary>
public sealed class PixelPoint
{
    public int X { get; set; }
    public int Y { get; set; }

    public Point ToPoint() => new(X, Y);

    public override string ToString() => $"({X}, {Y})";
}
