using EdgeMlops.Synthetic.Conditions;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// One vehicle's outline and paint in pixels, for a fixed scale and driving direction, relative to its
/// top-left corner. Built once per vehicle and drawn at any position, so a moving vehicle costs no geometry
/// work per frame.
/// </summary>
public sealed class VehicleShape
{
    /// <summary>Fractional bits of the fixed-point coordinates handed to OpenCV, for sub-pixel placement.</summary>
    internal const int Shift = 3;
    internal const double Unit = 1 << Shift;

    /// <summary>Distinct sub-pixel positions per axis; rasterisation depends only on these, not on whole pixels.</summary>
    internal const int PhaseCount = 1 << Shift;

    private readonly Rect?[] _boundsByPhase = new Rect?[PhaseCount * PhaseCount];

    private VehicleShape(VehicleClass vehicleClass, double pixelsPerMetre, bool facingRight, Size2d size,
        IReadOnlyList<ShapePart> parts, IReadOnlyList<LampLight> lamps)
    {
        Class = vehicleClass;
        PixelsPerMetre = pixelsPerMetre;
        FacingRight = facingRight;
        Size = size;
        Parts = parts;
        Lamps = lamps;
    }

    /// <summary>The class this vehicle was designed as.</summary>
    public VehicleClass Class { get; }

    /// <summary>Scale it was built at.</summary>
    public double PixelsPerMetre { get; }

    /// <summary>True when the front points to the right (the vehicle drives left to right).</summary>
    public bool FacingRight { get; }

    /// <summary>Width and height of the silhouette in pixels.</summary>
    public Size2d Size { get; }

    /// <summary>Length over height of the silhouette.</summary>
    public double Aspect => Size.Width / Size.Height;

    internal IReadOnlyList<ShapePart> Parts { get; }

    /// <summary>Lamps relative to the top-left corner.</summary>
    internal IReadOnlyList<LampLight> Lamps { get; }

    /// <summary>
    /// Designs a new vehicle of <paramref name="vehicleClass"/> (dimensions, paint, wheels, windows drawn from
    /// <paramref name="rng"/>) at <paramref name="pixelsPerMetre"/>, facing right or mirrored.
    /// </summary>
    public static VehicleShape Create(VehicleClass vehicleClass, DeterministicRandom rng, double pixelsPerMetre, bool facingRight)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerMetre);
        var sketch = VehicleDesigns.Sketch(vehicleClass, rng);
        return FromSketch(sketch, pixelsPerMetre, facingRight);
    }

    /// <summary>
    /// Box of the pixels that <see cref="VehicleRenderer.Draw(Mat, VehicleShape, Point2d)"/> touches with the top-left corner at
    /// <paramref name="topLeft"/>, not clipped to any frame. Measured by drawing, because OpenCV's anti-aliasing
    /// spills up to two pixels past thin parts in a way no formula on the outline predicts; the measurement
    /// depends only on the sub-pixel phase and is cached per phase.
    /// </summary>
    public Rect BoundsAt(Point2d topLeft)
    {
        long fixedX = (long)Math.Round(topLeft.X * Unit), fixedY = (long)Math.Round(topLeft.Y * Unit);
        int phaseX = (int)(fixedX & (PhaseCount - 1)), phaseY = (int)(fixedY & (PhaseCount - 1));
        Rect local;
        lock (_boundsByPhase)
            local = _boundsByPhase[phaseY * PhaseCount + phaseX] ??= MeasureBounds(phaseX, phaseY);
        return new Rect((int)(fixedX >> Shift) + local.X, (int)(fixedY >> Shift) + local.Y, local.Width, local.Height);
    }

    private Rect MeasureBounds(int phaseX, int phaseY)
    {
        const int margin = 4;
        using var scratch = new Mat((int)Math.Ceiling(Size.Height) + 2 * margin + 1, (int)Math.Ceiling(Size.Width) + 2 * margin + 1, MatType.CV_8UC1, Scalar.All(0));
        // Full intensity: a pixel any paint colour would change is non-zero here.
        VehicleRenderer.Draw(scratch, this, new Point2d(margin + phaseX / Unit, margin + phaseY / Unit), Scalar.All(255));
        var drawn = Cv2.BoundingRect(scratch);
        return new Rect(drawn.X - margin, drawn.Y - margin, drawn.Width, drawn.Height);
    }

    private static VehicleShape FromSketch(VehicleSketch sketch, double scale, bool facingRight)
    {
        double length = sketch.Length, height = sketch.Height;
        Point ToFixed((double U, double V) p)
        {
            // The box is derived from length and height, so a part outside them would be drawn outside its own truth box.
            const double tolerance = 1e-6;
            if (p.U < -tolerance || p.U > length + tolerance || p.V < -tolerance || p.V > height + tolerance)
                throw new InvalidOperationException($"{sketch.Class} design put a point at ({p.U:F3}, {p.V:F3}) m outside {length:F3} x {height:F3} m.");
            double x = (facingRight ? p.U : length - p.U) * scale, y = (height - p.V) * scale;
            return new Point((int)Math.Round(x * Unit), (int)Math.Round(y * Unit));
        }

        var parts = sketch.Parts
            .Select(part => new ShapePart([Array.ConvertAll(part.Points, ToFixed)], part.Colour))
            .ToArray();
        var lamps = sketch.Lamps
            .Select(l => new LampLight(
                new Point2f((float)((facingRight ? l.U : length - l.U) * scale), (float)((height - l.V) * scale)),
                (float)(l.Radius * scale), l.Kind))
            .ToArray();
        return new VehicleShape(sketch.Class, scale, facingRight, new Size2d(length * scale, height * scale), parts, lamps);
    }
}

/// <summary>One filled polygon in fixed-point pixels (a single contour, kept in the array OpenCV takes).</summary>
internal sealed record ShapePart(Point[][] Contour, Scalar Colour);
