using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// Rigid truck: a tall windowless cargo box behind a lower cab (the step between them is the cue), a dark
/// chassis and two or three big wheels (often a rear tandem); aspect 2.2-2.95.
/// </summary>
internal static class TruckDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(3.1, 3.9);
        double length = height * rng.Range(2.2, 2.95);
        var sketch = new VehicleSketch(VehicleClass.Truck, length, height);
        var cabPaint = BodyColours.Paint(rng);
        // Cargo boxes are painted from the shared distribution too: a white-box bias would make colour a truck cue.
        var cargoPaint = BodyColours.Paint(rng);
        var glass = BodyColours.Glass(rng);
        double wheel = rng.Range(0.47, 0.53);
        double cabLength = rng.Range(1.9, 2.4), cabHeight = height * rng.Range(0.7, 0.84);
        double gap = rng.Range(0.15, 0.35);
        double cargoEnd = length - cabLength - gap;
        double cargoFloor = rng.Range(1.0, 1.2);
        double frontAxle = length - cabLength * rng.Range(0.5, 0.6);
        double rearAxle = cargoEnd * rng.Range(0.22, 0.32);
        int rearAxles = rng.Chance(0.6) ? 2 : 1;
        const double tandem = 1.3;

        sketch.Box(VehicleDesigns.Trim, 0.3, 0.55, length - 0.3, cargoFloor);

        sketch.Box(cargoPaint, 0, cargoFloor, cargoEnd, height);
        var rib = BodyColours.Shade(cargoPaint, 0.8);
        if (rng.Chance(0.6))
        {
            int ribs = (int)(cargoEnd / rng.Range(0.6, 1.0));
            for (int i = 1; i < ribs; i++)
                sketch.Bar(rib, cargoEnd * i / ribs, cargoFloor + 0.06, cargoEnd * i / ribs, height - 0.06, 0.05);
        }
        else
        {
            sketch.Bar(rib, 0.05, height - 0.12, cargoEnd - 0.05, height - 0.12, 0.07);
            sketch.Bar(rib, 0.05, cargoFloor + 0.12, cargoEnd - 0.05, cargoFloor + 0.12, 0.07);
        }
        sketch.Bar(BodyColours.Shade(cargoPaint, 0.6), 0.08, cargoFloor + 0.05, 0.08, height - 0.05, 0.05);

        double cabRear = length - cabLength;
        sketch.Polygon(cabPaint,
            (cabRear, 0.55), (cabRear, cabHeight), (length - 0.25, cabHeight), (length, cabHeight - 0.3),
            (length, 0.55));
        double windowBottom = cabHeight * rng.Range(0.58, 0.66);
        sketch.Polygon(glass,
            (cabRear + cabLength * 0.45, windowBottom), (cabRear + cabLength * 0.45, cabHeight - 0.14),
            (length - 0.28, cabHeight - 0.14), (length - 0.1, cabHeight - 0.38), (length - 0.1, windowBottom));
        var seam = BodyColours.Shade(cabPaint, 0.6);
        sketch.Bar(seam, cabRear + cabLength * 0.4, 0.75, cabRear + cabLength * 0.4, cabHeight - 0.08, 0.04);
        sketch.Box(VehicleDesigns.Trim, length - 0.12, 0.45, length, 0.85);

        var rim = VehicleDesigns.Rim(rng);
        sketch.HalfDisc(VehicleDesigns.Trim, frontAxle, wheel, wheel * 1.18);
        sketch.Wheel(frontAxle, wheel, rim);
        for (int i = 0; i < rearAxles; i++)
        {
            double axle = rearAxle + i * tandem;
            sketch.HalfDisc(VehicleDesigns.Trim, axle, wheel, wheel * 1.15);
        }
        for (int i = 0; i < rearAxles; i++)
            sketch.Wheel(rearAxle + i * tandem, wheel, rim);
        sketch.Lamp(length - 0.11, 0.95, 0.1, LampKind.Head);
        sketch.Lamp(0.1, cargoFloor - 0.12, 0.09, LampKind.Tail);
        return sketch;
    }
}
