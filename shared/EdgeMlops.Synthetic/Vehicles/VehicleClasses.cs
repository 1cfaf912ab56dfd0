namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Canonical label strings of <see cref="VehicleClass"/>: the names models, data sets and truth files use.</summary>
public static class VehicleClasses
{
    /// <summary>Labels in class-index order: car, van, truck, bus, motorcycle.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["car", "van", "truck", "bus", "motorcycle"];

    /// <summary>Every class, in label order.</summary>
    public static IReadOnlyList<VehicleClass> All { get; } =
        [VehicleClass.Car, VehicleClass.Van, VehicleClass.Truck, VehicleClass.Bus, VehicleClass.Motorcycle];

    /// <summary>The canonical label of <paramref name="vehicleClass"/>.</summary>
    public static string ToLabel(this VehicleClass vehicleClass) =>
        (int)vehicleClass is >= 0 and < 5
            ? Labels[(int)vehicleClass]
            : throw new ArgumentOutOfRangeException(nameof(vehicleClass), vehicleClass, "Unknown vehicle class.");

    /// <summary>The class whose label is <paramref name="label"/> (ordinal, case-insensitive).</summary>
    public static bool TryParse(string? label, out VehicleClass vehicleClass)
    {
        for (int i = 0; i < Labels.Count; i++)
        {
            if (string.Equals(Labels[i], label?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                vehicleClass = (VehicleClass)i;
                return true;
            }
        }
        vehicleClass = default;
        return false;
    }

    /// <summary>The class whose label is <paramref name="label"/>; <see cref="FormatException"/> when there is none.</summary>
    public static VehicleClass Parse(string label) =>
        TryParse(label, out var vehicleClass)
            ? vehicleClass
            : throw new FormatException($"Unknown vehicle label '{label}'; expected one of {string.Join(", ", Labels)}.");
}
