using OpenCvSharp;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// Picks the design of each class. Class identity lives in silhouette and structure (aspect ratio, wheel count
/// and size, cab step, window pattern, rider); colour is drawn from one distribution for all classes.
/// </summary>
internal static class VehicleDesigns
{
    /// <summary>Near-black used for tyres' surroundings, bumpers, chassis and the shadow under the body.</summary>
    public static readonly Scalar Trim = new(32, 32, 34);

    public static VehicleSketch Sketch(VehicleClass vehicleClass, DeterministicRandom rng) => vehicleClass switch
    {
        VehicleClass.Car => CarDesign.Sketch(rng),
        VehicleClass.Van => VanDesign.Sketch(rng),
        VehicleClass.Truck => TruckDesign.Sketch(rng),
        VehicleClass.Bus => BusDesign.Sketch(rng),
        VehicleClass.Motorcycle => MotorcycleDesign.Sketch(rng),
        VehicleClass.Pickup => PickupDesign.Sketch(rng),
        _ => throw new ArgumentOutOfRangeException(nameof(vehicleClass), vehicleClass, "Unknown vehicle class."),
    };

    /// <summary>Silver-to-dark rim colour.</summary>
    public static Scalar Rim(DeterministicRandom rng)
    {
        double v = rng.Range(110, 205);
        return new Scalar(v, v, v + rng.Range(-5, 5));
    }

    public static double Lerp(double from, double to, double t) => from + (to - from) * t;
}
