using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Panel van or minibus: tall box (aspect 2.05-2.5) with a flat roof almost to the front, short bonnet, two wheels.</summary>
internal static class VanDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(1.95, 2.45);
        double length = height * rng.Range(2.05, 2.5);
        var sketch = new VehicleSketch(VehicleClass.Van, length, height);
        var paint = BodyColours.Paint(rng);
        var glass = BodyColours.Glass(rng);
        double wheel = rng.Range(0.32, 0.37);
        double rearAxle = length * rng.Range(0.17, 0.22), frontAxle = length - rng.Range(0.75, 0.95);
        double roofEnd = length - rng.Range(0.95, 1.25);
        double bonnetStart = length - rng.Range(0.45, 0.65);
        double bonnet = height * rng.Range(0.46, 0.54);
        double belt = height * rng.Range(0.52, 0.58);

        sketch.Box(VehicleDesigns.Trim, rearAxle, 0.12, frontAxle, 0.34);
        sketch.Polygon(paint,
            (0, 0.34), (0, height - 0.12), (0.1, height), (roofEnd, height), (bonnetStart, bonnet + 0.06),
            (length - 0.05, bonnet), (length, bonnet - 0.1), (length, 0.34), (length - 0.1, 0.24), (0.06, 0.24));

        double cabRear = roofEnd - rng.Range(0.7, 0.9);
        double windowTop = height - 0.14;
        double screenAtBelt = VehicleDesigns.Lerp(roofEnd, bonnetStart, (height - belt) / (height - bonnet - 0.06));
        sketch.Polygon(glass, (cabRear, belt), (cabRear, windowTop), (roofEnd - 0.04, windowTop), (screenAtBelt - 0.08, belt));

        var seam = BodyColours.Shade(paint, 0.65);
        sketch.Bar(seam, cabRear - 0.05, 0.3, cabRear - 0.05, height - 0.06, 0.03);
        if (rng.Chance(0.5))
        {
            // Minibus: a row of passenger windows behind the cab.
            int panes = rng.NextInt(2, 3);
            double start = rng.Range(0.25, 0.4), span = cabRear - 0.2 - start, pane = span / panes;
            for (int i = 0; i < panes; i++)
                sketch.Box(glass, start + i * pane + 0.06, belt, start + (i + 1) * pane - 0.06, windowTop);
        }
        else
        {
            double door = rng.Range(0.45, 0.6) * cabRear;
            sketch.Bar(seam, door, 0.3, door, height - 0.1, 0.03);
        }
        sketch.Box(VehicleDesigns.Trim, 0, 0.28, 0.07, 0.5);
        sketch.Box(VehicleDesigns.Trim, length - 0.07, 0.28, length, 0.5);

        var rim = VehicleDesigns.Rim(rng);
        foreach (double axle in (double[])[rearAxle, frontAxle])
        {
            sketch.HalfDisc(VehicleDesigns.Trim, axle, wheel, wheel * 1.15);
            sketch.Wheel(axle, wheel, rim);
        }
        sketch.Lamp(length - 0.09, bonnet - 0.2, 0.08, LampKind.Head);
        sketch.Lamp(0.08, 0.75, 0.07, LampKind.Tail);
        return sketch;
    }
}
