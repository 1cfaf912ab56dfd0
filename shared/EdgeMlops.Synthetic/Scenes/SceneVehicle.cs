using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>A vehicle driving through the view: its fixed shape, row and speed, and where it is now.</summary>
internal sealed class SceneVehicle(int trackId, VehicleShape shape, double top, double pixelsPerFrame)
{
    public int TrackId => trackId;
    public VehicleShape Shape => shape;
    public double Top => top;

    /// <summary>Desired speed; the actual step can be shorter behind a slower vehicle.</summary>
    public double PixelsPerFrame => pixelsPerFrame;

    /// <summary>
    /// Silhouette pixels when nothing hides it, by horizontal sub-pixel phase (0 = not yet counted): rasterising
    /// depends on where the outline falls between pixels, so the visible share compares counts of the same phase.
    /// </summary>
    public int[] FullAreaByPhase { get; } = new int[VehicleShape.PhaseCount];

    /// <summary>Left edge of the silhouette in frame pixels.</summary>
    public double Left { get; set; }

    public double Right => Left + shape.Size.Width;

    public Point2d TopLeft => new(Left, top);
}
