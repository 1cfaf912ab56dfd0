using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>Desired speeds per class in metres per second: light vehicles are faster than heavy ones.</summary>
public static class VehicleSpeeds
{
    /// <summary>Range of desired speeds of <paramref name="vehicleClass"/>.</summary>
    public static (double Min, double Max) Range(VehicleClass vehicleClass) => vehicleClass switch
    {
        VehicleClass.Motorcycle => (25, 31),
        VehicleClass.Car => (23, 29),
        VehicleClass.Van => (21, 26),
        VehicleClass.Pickup => (22, 27),
        VehicleClass.Bus => (18, 22),
        VehicleClass.Truck => (16, 20),
        _ => throw new ArgumentOutOfRangeException(nameof(vehicleClass), vehicleClass, "Unknown vehicle class."),
    };

    /// <summary>A desired speed of <paramref name="vehicleClass"/>.</summary>
    public static double Sample(VehicleClass vehicleClass, DeterministicRandom rng)
    {
        var (min, max) = Range(vehicleClass);
        return rng.Range(min, max);
    }
}
