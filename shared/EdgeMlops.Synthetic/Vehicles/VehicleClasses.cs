namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Canonical label strings of <see cref="VehicleClass"/>: the names models, data sets and truth files use.</summary>
public static class VehicleClasses
{
    /// <summary>
    /// Labels of the five classes every scene, crop set and the seed model use by default, in class-index order:
    /// car, van, truck, bus, motorcycle.
    /// </summary>
    public static IReadOnlyList<string> Labels { get; } = ["car", "van", "truck", "bus", "motorcycle"];

    /// <summary>The five default classes, in label order (<see cref="Optional"/> ones are left out).</summary>
    public static IReadOnlyList<VehicleClass> All { get; } =
        [VehicleClass.Car, VehicleClass.Van, VehicleClass.Truck, VehicleClass.Bus, VehicleClass.Motorcycle];

    /// <summary>
    /// Classes the world can render but shows only when asked (a camera's class mix, a crop set's classes), so
    /// existing scenes, seeds and figures stay as they were.
    /// </summary>
    public static IReadOnlyList<VehicleClass> Optional { get; } = [VehicleClass.Pickup];

    /// <summary>Every class the world can render, in class-index order: the default five, then the optional ones.</summary>
    public static IReadOnlyList<VehicleClass> Known { get; } = [.. All, .. Optional];

    /// <summary>Labels of <see cref="Known"/>, in class-index order.</summary>
    public static IReadOnlyList<string> KnownLabels { get; } = ["car", "van", "truck", "bus", "motorcycle", "pickup"];

    /// <summary>The canonical label of <paramref name="vehicleClass"/>.</summary>
    public static string ToLabel(this VehicleClass vehicleClass) =>
        (int)vehicleClass >= 0 && (int)vehicleClass < KnownLabels.Count
            ? KnownLabels[(int)vehicleClass]
            : throw new ArgumentOutOfRangeException(nameof(vehicleClass), vehicleClass, "Unknown vehicle class.");

    /// <summary>The class whose label is <paramref name="label"/> (ordinal, case-insensitive).</summary>
    public static bool TryParse(string? label, out VehicleClass vehicleClass)
    {
        for (int i = 0; i < KnownLabels.Count; i++)
        {
            if (string.Equals(KnownLabels[i], label?.Trim(), StringComparison.OrdinalIgnoreCase))
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
            : throw new FormatException($"Unknown vehicle label '{label}'; expected one of {string.Join(", ", KnownLabels)}.");
}
