using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Motorcycle with a rider: short and tall (aspect 1.15-1.5), two wheels at the ends, a helmeted rider above.</summary>
internal static class MotorcycleDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(1.45, 1.7);
        double length = height * rng.Range(1.15, 1.5);
        var sketch = new VehicleSketch(VehicleClass.Motorcycle, length, height);
        var paint = BodyColours.Paint(rng);
        var jacket = BodyColours.Paint(rng);
        var trousers = BodyColours.Shade(BodyColours.Paint(rng), 0.45);
        var helmet = BodyColours.Paint(rng);
        var metal = VehicleDesigns.Rim(rng);
        var engine = BodyColours.Shade(metal, 0.45);
        double wheel = rng.Range(0.29, 0.34);
        double rearAxle = wheel + 0.03, frontAxle = length - wheel - 0.03;
        double seat = rng.Range(0.78, 0.88);
        double bar = frontAxle - rng.Range(0.2, 0.28), barHeight = seat + rng.Range(0.18, 0.3);

        sketch.Wheel(rearAxle, wheel, metal);
        sketch.Wheel(frontAxle, wheel, metal);
        sketch.Bar(engine, rearAxle, wheel, 0.42 * length, 0.45, 0.07);
        sketch.Bar(metal, frontAxle, wheel, bar, barHeight, 0.06);
        sketch.Polygon(engine, (0.35 * length, 0.26), (0.62 * length, 0.26), (0.66 * length, 0.55), (0.38 * length, 0.62));
        sketch.Bar(metal, 0.5 * length, 0.3, 0.12 * length, 0.42, 0.07);
        sketch.Polygon(paint, (0.02, seat - 0.04), (0.36 * length, seat + 0.02), (0.38 * length, seat - 0.16), (0.12, seat - 0.2));
        sketch.Polygon(paint,
            (0.44 * length, seat), (0.5 * length, seat + 0.17), (0.68 * length, seat + 0.15),
            (0.72 * length, seat - 0.06), (0.5 * length, seat - 0.12));
        if (rng.Chance(0.5))
            sketch.Polygon(paint,
                (0.68 * length, seat - 0.22), (frontAxle - 0.05, 0.62), (length - 0.04, 0.86),
                (bar + 0.02, barHeight + 0.12), (0.7 * length, seat + 0.12));
        sketch.Bar(VehicleDesigns.Trim, 0.18 * length, seat + 0.03, 0.46 * length, seat + 0.03, 0.08);
        sketch.Bar(VehicleDesigns.Trim, bar, barHeight, bar - 0.12, barHeight + 0.04, 0.05);

        // Rider: leg, torso leaning towards the handlebar, arm, helmet with visor.
        double lean = rng.Range(0.05, 0.25);
        double hip = 0.36 * length, shoulderHeight = height - 0.31;
        double shoulder = hip + lean + 0.05;
        double knee = 0.6 * length, foot = 0.52 * length;
        sketch.Bar(trousers, hip, seat + 0.1, knee, seat + 0.12, 0.17);
        sketch.Bar(trousers, knee, seat + 0.12, foot, 0.38, 0.13);
        sketch.Box(VehicleDesigns.Trim, foot - 0.05, 0.3, foot + 0.09, 0.38);
        sketch.Polygon(jacket,
            (hip - 0.12, seat + 0.04), (hip + 0.1, seat + 0.08), (shoulder + 0.1, shoulderHeight),
            (shoulder - 0.1, shoulderHeight + 0.02));
        sketch.Bar(BodyColours.Shade(jacket, 0.75), shoulder, shoulderHeight - 0.04, bar - 0.08, barHeight + 0.04, 0.09);
        double helmetRadius = 0.15, helmetCentre = shoulder + 0.05;
        sketch.Circle(helmet, helmetCentre, height - helmetRadius, helmetRadius);
        sketch.Polygon(VehicleDesigns.Trim,
            (helmetCentre + 0.02, height - 0.2), (helmetCentre + helmetRadius - 0.01, height - 0.2),
            (helmetCentre + helmetRadius - 0.02, height - 0.1), (helmetCentre + 0.04, height - 0.1));

        sketch.Lamp(length - 0.06, seat + 0.05, 0.06, LampKind.Head);
        sketch.Lamp(0.05, seat - 0.07, 0.045, LampKind.Tail);
        return sketch;
    }
}
