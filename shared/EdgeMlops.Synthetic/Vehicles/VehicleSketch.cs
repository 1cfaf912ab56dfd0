using EdgeMlops.Synthetic.Conditions;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// A vehicle drawn in metres in side profile: u runs from the rear (0) to the front (<see cref="Length"/>), v from
/// the ground (0) up to <see cref="Height"/>. Parts are painted in the order they are added. Designs describe a
/// vehicle once here; <see cref="VehicleShape"/> turns it into pixels for a scale and a driving direction.
/// </summary>
internal sealed class VehicleSketch(VehicleClass vehicleClass, double length, double height)
{
    private readonly List<SketchPart> _parts = [];
    private readonly List<SketchLamp> _lamps = [];

    public VehicleClass Class => vehicleClass;
    public double Length => length;
    public double Height => height;
    public IReadOnlyList<SketchPart> Parts => _parts;
    public IReadOnlyList<SketchLamp> Lamps => _lamps;

    public void Polygon(Scalar colour, params (double U, double V)[] points) => _parts.Add(new SketchPart(points, colour));

    public void Box(Scalar colour, double u0, double v0, double u1, double v1) =>
        Polygon(colour, (u0, v0), (u0, v1), (u1, v1), (u1, v0));

    public void Circle(Scalar colour, double u, double v, double radius)
    {
        const int segments = 28;
        var points = new (double, double)[segments];
        for (int i = 0; i < segments; i++)
        {
            double a = 2 * Math.PI * i / segments;
            points[i] = (u + radius * Math.Cos(a), v + radius * Math.Sin(a));
        }
        Polygon(colour, points);
    }

    /// <summary>Upper half of a disc centred at (<paramref name="u"/>, <paramref name="v"/>): wheel arches and mudguards.</summary>
    public void HalfDisc(Scalar colour, double u, double v, double radius)
    {
        const int segments = 14;
        var points = new (double, double)[segments + 1];
        for (int i = 0; i <= segments; i++)
        {
            double a = Math.PI * i / segments;
            points[i] = (u + radius * Math.Cos(a), v + radius * Math.Sin(a));
        }
        Polygon(colour, points);
    }

    /// <summary>A straight stroke of the given width (frames, forks, limbs, seams).</summary>
    public void Bar(Scalar colour, double u0, double v0, double u1, double v1, double width)
    {
        double du = u1 - u0, dv = v1 - v0, norm = Math.Sqrt(du * du + dv * dv);
        if (norm <= 0) return;
        double nu = -dv / norm * width / 2, nv = du / norm * width / 2;
        Polygon(colour, (u0 + nu, v0 + nv), (u1 + nu, v1 + nv), (u1 - nu, v1 - nv), (u0 - nu, v0 - nv));
    }

    /// <summary>A rectangle whose top corners are rounded by <paramref name="topRadius"/> and bottom corners by <paramref name="bottomRadius"/>.</summary>
    public void RoundedBox(Scalar colour, double u0, double v0, double u1, double v1, double topRadius, double bottomRadius)
    {
        var points = new List<(double, double)>();
        Arc(points, u0 + bottomRadius, v0 + bottomRadius, bottomRadius, 180, 270);
        Arc(points, u1 - bottomRadius, v0 + bottomRadius, bottomRadius, 270, 360);
        Arc(points, u1 - topRadius, v1 - topRadius, topRadius, 0, 90);
        Arc(points, u0 + topRadius, v1 - topRadius, topRadius, 90, 180);
        Polygon(colour, [.. points]);
    }

    /// <summary>Tyre, rim and hub of a wheel touching the ground at <paramref name="u"/>.</summary>
    public void Wheel(double u, double radius, Scalar rim)
    {
        Circle(new Scalar(26, 26, 28), u, radius, radius);
        Circle(rim, u, radius, radius * 0.58);
        Circle(BodyColours.Shade(rim, 0.55), u, radius, radius * 0.2);
    }

    public void Lamp(double u, double v, double radius, LampKind kind)
    {
        var colour = kind == LampKind.Head ? new Scalar(205, 235, 245) : new Scalar(40, 40, 190);
        Circle(colour, u, v, radius);
        _lamps.Add(new SketchLamp(u, v, radius, kind));
    }

    private static void Arc(List<(double, double)> points, double cu, double cv, double radius, double fromDeg, double toDeg)
    {
        const int steps = 5;
        for (int i = 0; i <= steps; i++)
        {
            double a = (fromDeg + (toDeg - fromDeg) * i / steps) * Math.PI / 180;
            points.Add((cu + radius * Math.Cos(a), cv + radius * Math.Sin(a)));
        }
    }
}

/// <summary>A filled polygon of a sketch, in metres.</summary>
internal sealed record SketchPart((double U, double V)[] Points, Scalar Colour);

/// <summary>A lamp of a sketch, in metres.</summary>
internal readonly record struct SketchLamp(double U, double V, double Radius, LampKind Kind);
