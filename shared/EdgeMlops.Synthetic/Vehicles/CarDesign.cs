using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Sedan, hatchback or estate: low body (aspect 2.8-3.3) with a glasshouse set back from both ends, two small wheels.</summary>
internal static class CarDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(1.38, 1.58);
        double length = height * rng.Range(2.8, 3.3);
        var sketch = new VehicleSketch(VehicleClass.Car, length, height);
        var paint = BodyColours.Paint(rng);
        var glass = BodyColours.Glass(rng);
        double wheel = rng.Range(0.29, 0.34);
        double rearAxle = length * rng.Range(0.17, 0.21), frontAxle = length * (1 - rng.Range(0.16, 0.2));
        double belt = height * rng.Range(0.5, 0.56);

        sketch.Box(VehicleDesigns.Trim, rearAxle, 0.1, frontAxle, 0.3);
        sketch.Polygon(paint,
            (0, 0.3), (0, belt - 0.03), (0.04 * length, belt), (0.96 * length, belt - 0.05),
            (length, belt - 0.18), (length, 0.3), (length - 0.1, 0.2), (0.08, 0.2));

        // Glasshouse breakpoints as shares of the length: rear base, roof start, roof end, windscreen base.
        var (rearBase, roofStart, roofEnd, screenBase) = rng.NextInt(3) switch
        {
            0 => (0.2, 0.32, 0.63, 0.77),
            1 => (0.03, 0.13, 0.6, 0.75),
            _ => (0.02, 0.05, 0.63, 0.76),
        };
        double jitter = rng.Range(-0.02, 0.02);
        double a = (rearBase + jitter) * length, b = (roofStart + jitter) * length;
        double c = (roofEnd + jitter) * length, d = (screenBase + jitter) * length;
        sketch.Polygon(paint, (a, belt), (b, height - 0.05), (b + 0.12, height), (c - 0.12, height), (c, height - 0.05), (d, belt));
        double top = height - 0.08, bottom = belt + 0.05;
        sketch.Polygon(glass,
            (VehicleDesigns.Lerp(a, b, 0.12) + 0.08, bottom), (b + 0.07, top), (c - 0.04, top), (VehicleDesigns.Lerp(d, c, 0.12) - 0.1, bottom));

        double pillar = VehicleDesigns.Lerp(b, c, rng.Range(0.45, 0.55));
        sketch.Bar(paint, pillar, belt, pillar, height, 0.1);
        if (roofStart < 0.1 && rng.Chance(0.7))
            sketch.Bar(paint, b + 0.25 * (pillar - b), belt, b + 0.25 * (pillar - b), height, 0.09);
        sketch.Bar(BodyColours.Shade(paint, 0.65), pillar, 0.28, pillar, belt - 0.03, 0.025);
        sketch.Bar(BodyColours.Shade(paint, 0.65), VehicleDesigns.Lerp(d, length, 0.1), 0.28, VehicleDesigns.Lerp(d, length, 0.12), belt - 0.03, 0.025);
        sketch.Box(VehicleDesigns.Trim, 0, 0.24, 0.06, 0.4);
        sketch.Box(VehicleDesigns.Trim, length - 0.06, 0.24, length, 0.42);

        var rim = VehicleDesigns.Rim(rng);
        foreach (double axle in (double[])[rearAxle, frontAxle])
        {
            sketch.HalfDisc(VehicleDesigns.Trim, axle, wheel, wheel * 1.16);
            sketch.Wheel(axle, wheel, rim);
        }
        sketch.Lamp(length - 0.09, belt - 0.14, 0.07, LampKind.Head);
        sketch.Lamp(0.07, belt - 0.1, 0.06, LampKind.Tail);
        return sketch;
    }
}
