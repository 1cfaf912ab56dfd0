using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// Pickup truck: a tall crew cab over the front axle and an open load bed behind it whose walls stop at the belt
/// line, so the roof steps DOWN towards the rear (a truck's cargo box steps up); high ground clearance, big wheels;
/// aspect 2.65-3.1. Off in every scene unless the camera asks for it (<see cref="VehicleClasses.Optional"/>).
/// </summary>
internal static class PickupDesign
{
    public static VehicleSketch Sketch(DeterministicRandom rng)
    {
        double height = rng.Range(1.78, 1.98);
        double length = height * rng.Range(2.65, 3.1);
        var sketch = new VehicleSketch(VehicleClass.Pickup, length, height);
        var paint = BodyColours.Paint(rng);
        var glass = BodyColours.Glass(rng);
        double wheel = rng.Range(0.37, 0.41);
        double clearance = rng.Range(0.36, 0.42);
        double rearAxle = length * rng.Range(0.2, 0.24), frontAxle = length * (1 - rng.Range(0.17, 0.2));
        double belt = height * rng.Range(0.56, 0.62);
        double bedEnd = length * rng.Range(0.4, 0.46);
        double cabRear = bedEnd + rng.Range(0.06, 0.1);
        double roofEnd = length - rng.Range(1.35, 1.55);
        double screenBase = length - rng.Range(0.95, 1.1);

        // Chassis rail under the body: the clearance shows as a dark band between the wheels.
        sketch.Box(VehicleDesigns.Trim, rearAxle, clearance - 0.14, frontAxle, clearance + 0.04);

        // Load bed: a wall up to the belt with a darker top rail; the sky shows above it.
        var rail = BodyColours.Shade(paint, 0.55);
        sketch.Polygon(paint, (0, clearance), (0, belt), (bedEnd, belt), (bedEnd, clearance));
        sketch.Bar(rail, 0.02, belt - 0.04, bedEnd - 0.02, belt - 0.04, 0.07);
        sketch.Bar(BodyColours.Shade(paint, 0.7), 0.1, clearance + 0.05, 0.1, belt - 0.08, 0.03);

        // Cab and bonnet: square-nosed, the bonnet a little under the belt.
        double bonnet = belt - rng.Range(0.02, 0.08);
        sketch.Polygon(paint,
            (cabRear, clearance), (cabRear, belt), (length - 0.12, bonnet), (length, bonnet - 0.12),
            (length, clearance + 0.04), (length - 0.12, clearance));
        sketch.Polygon(paint, (cabRear, belt - 0.02), (cabRear, height - 0.06), (cabRear + 0.08, height), (roofEnd, height),
            (screenBase, belt - 0.02));

        // Crew cab: two side windows split by a pillar.
        double top = height - 0.1, bottom = belt + 0.06;
        double screenAtBottom = VehicleDesigns.Lerp(screenBase, roofEnd, (bottom - belt) / (height - belt)) - 0.08;
        double pillar = VehicleDesigns.Lerp(cabRear, roofEnd, rng.Range(0.42, 0.52));
        sketch.Polygon(glass, (cabRear + 0.1, bottom), (cabRear + 0.1, top), (pillar - 0.05, top), (pillar - 0.05, bottom));
        sketch.Polygon(glass, (pillar + 0.05, bottom), (pillar + 0.05, top), (roofEnd - 0.04, top), (screenAtBottom, bottom));

        var seam = BodyColours.Shade(paint, 0.6);
        sketch.Bar(seam, pillar, clearance + 0.08, pillar, belt - 0.03, 0.03);
        sketch.Box(VehicleDesigns.Trim, 0, clearance - 0.04, 0.08, clearance + 0.16);
        sketch.Box(VehicleDesigns.Trim, length - 0.08, clearance - 0.02, length, clearance + 0.2);

        var rim = VehicleDesigns.Rim(rng);
        foreach (double axle in (double[])[rearAxle, frontAxle])
        {
            sketch.HalfDisc(VehicleDesigns.Trim, axle, wheel, wheel * 1.2);
            sketch.Wheel(axle, wheel, rim);
        }
        sketch.Lamp(length - 0.08, bonnet - 0.14, 0.08, LampKind.Head);
        sketch.Lamp(0.06, belt - 0.15, 0.06, LampKind.Tail);
        return sketch;
    }
}
