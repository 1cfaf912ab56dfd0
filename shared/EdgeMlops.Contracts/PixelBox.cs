namespace EdgeMlops.Contracts;

/// <summary>An axis-aligned box in frame pixels: top-left corner, width and height.</summary>
public sealed record PixelBox(int X, int Y, int W, int H);
