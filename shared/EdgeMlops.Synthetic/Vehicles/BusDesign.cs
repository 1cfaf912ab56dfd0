using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// City bus or coach: long, tall rounded box (aspect 3.45-4.15) with a full-length row of windows, doors, a
/// livery stripe and two or three wheels set far in from the ends.
/// </summary>
internal static class BusDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(2.95, 3.45);
        double length = height * rng.Range(3.45, 4.15);
        var sketch = new VehicleSketch(VehicleClass.Bus, length, height);
        var paint = BodyColours.Paint(rng);
        var stripe = BodyColours.Paint(rng);
        var glass = BodyColours.Glass(rng);
        bool coach = rng.Chance(0.4);
        double wheel = rng.Range(0.47, 0.52);
        double frontAxle = length - rng.Range(2.3, 2.8);
        double rearAxle = length * rng.Range(0.24, 0.3);
        bool tagAxle = coach && rng.Chance(0.6);

        sketch.RoundedBox(paint, 0, 0.32, length, height, 0.3, 0.1);
        if (rng.Chance(0.5))
            sketch.Box(BodyColours.Shade(paint, 1.25), length * rng.Range(0.3, 0.4), height - 0.02, length * rng.Range(0.5, 0.6), height);
        sketch.Box(stripe, 0.02, 0.45, length - 0.02, rng.Range(0.75, 0.95));

        double windowBottom = coach ? rng.Range(1.55, 1.75) : rng.Range(1.1, 1.3);
        double windowTop = height - rng.Range(0.28, 0.4);
        double rowStart = rng.Range(0.25, 0.5), rowEnd = length - 0.45;
        double door = coach ? 0 : rng.Range(0.45, 0.55) * length;
        double pane = rng.Range(1.1, 1.6);
        int panes = (int)Math.Round((rowEnd - rowStart) / pane);
        pane = (rowEnd - rowStart) / panes;
        for (int i = 0; i < panes; i++)
        {
            double u0 = rowStart + i * pane + 0.07, u1 = rowStart + (i + 1) * pane - 0.07;
            if (!coach && u1 > door - 0.6 && u0 < door + 0.6) continue;
            sketch.Box(glass, u0, windowBottom, u1, windowTop);
        }

        // Front door ahead of the front axle, middle door on city buses; both glazed almost to the floor.
        var doorFrame = BodyColours.Shade(paint, 0.55);
        foreach (double centre in coach ? (double[])[length - 1.0] : [length - 1.0, door])
        {
            sketch.Box(doorFrame, centre - 0.55, 0.36, centre + 0.55, windowTop + 0.05);
            sketch.Box(glass, centre - 0.47, 0.6, centre - 0.03, windowTop);
            sketch.Box(glass, centre + 0.03, 0.6, centre + 0.47, windowTop);
        }
        sketch.Box(glass, length - 0.3, 1.0, length - 0.05, height - 0.22);

        var rim = VehicleDesigns.Rim(rng);
        double[] axles = tagAxle ? [rearAxle - 1.35, rearAxle, frontAxle] : [rearAxle, frontAxle];
        foreach (double axle in axles)
        {
            sketch.HalfDisc(VehicleDesigns.Trim, axle, wheel, wheel * 1.16);
            sketch.Wheel(axle, wheel, rim);
        }
        sketch.Lamp(length - 0.11, 0.75, 0.1, LampKind.Head);
        sketch.Lamp(0.1, 0.9, 0.09, LampKind.Tail);
        return sketch;
    }
}
