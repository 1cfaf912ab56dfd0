using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>What a synthetic highway camera shows. Same options, same frames.</summary>
public sealed record HighwaySceneOptions
{
    /// <summary>Car-dominated traffic as on a typical highway.</summary>
    public static IReadOnlyDictionary<VehicleClass, double> DefaultClassMix { get; } = new Dictionary<VehicleClass, double>
    {
        [VehicleClass.Car] = 0.5,
        [VehicleClass.Van] = 0.16,
        [VehicleClass.Truck] = 0.16,
        [VehicleClass.Bus] = 0.08,
        [VehicleClass.Motorcycle] = 0.1,
    };

    /// <summary>Seed of the background, the traffic and the condition noise.</summary>
    public int Seed { get; init; }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Frame height in pixels; vehicle scale follows it.</summary>
    public int Height { get; init; } = 360;

    /// <summary>Frames per second; sets timestamps and how far vehicles move per frame.</summary>
    public double Fps { get; init; } = 25;

    /// <summary>Number of lanes, 1-8; the far half drives right to left, the near half left to right.</summary>
    public int LaneCount { get; init; } = 4;

    /// <summary>Mean number of vehicles entering each lane per minute (a Poisson process, delayed while the entry is blocked).</summary>
    public double VehiclesPerLanePerMinute { get; init; } = 30;

    /// <summary>Relative weight of each class among new vehicles; classes left out never appear.</summary>
    public IReadOnlyDictionary<VehicleClass, double> ClassMix { get; init; } = DefaultClassMix;

    /// <summary>Condition over time; day by default.</summary>
    public ConditionSchedule Conditions { get; init; } = ConditionSchedule.AlwaysDay;

    /// <summary>
    /// These options with <paramref name="vehicleClass"/> making up <paramref name="share"/> of new vehicles and the
    /// other classes of the mix scaled down to keep their proportions: how a camera switches on an optional class
    /// such as <see cref="VehicleClass.Pickup"/> (0 switches it off).
    /// </summary>
    public HighwaySceneOptions WithClassShare(VehicleClass vehicleClass, double share)
    {
        if (!Enum.IsDefined(vehicleClass))
            throw new ArgumentException($"Unknown vehicle class {vehicleClass}.", nameof(vehicleClass));
        if (!(share is >= 0 and < 1))
            throw new ArgumentException($"The share of {vehicleClass.ToLabel()} must be within [0, 1); got {share}.", nameof(share));
        var others = ClassMix.Where(p => p.Key != vehicleClass).ToList();
        double total = others.Sum(p => p.Value);
        var mix = others.ToDictionary(p => p.Key, p => total > 0 ? p.Value / total * (1 - share) : 0);
        if (share > 0) mix[vehicleClass] = share;
        return this with { ClassMix = mix };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Width < 64 || Height < 64)
            throw new ArgumentException($"Frame size {Width}x{Height} is too small; both sides must be at least 64.");
        if (!(Fps is > 0 and <= 240))
            throw new ArgumentException($"Fps {Fps} must be within (0, 240].");
        if (LaneCount is < 1 or > 8)
            throw new ArgumentException($"LaneCount {LaneCount} must be within 1-8.");
        if (!(VehiclesPerLanePerMinute is >= 0 and <= 600))
            throw new ArgumentException($"VehiclesPerLanePerMinute {VehiclesPerLanePerMinute} must be within 0-600.");
        ArgumentNullException.ThrowIfNull(ClassMix);
        ArgumentNullException.ThrowIfNull(Conditions);
        if (ClassMix.Keys.Any(c => !Enum.IsDefined(c)))
            throw new ArgumentException($"ClassMix names an unknown class: {string.Join(", ", ClassMix.Keys.Where(c => !Enum.IsDefined(c)))}.");
        if (ClassMix.Values.Any(w => !(w >= 0) || double.IsInfinity(w)) || ClassMix.Values.Sum() <= 0)
            throw new ArgumentException("ClassMix weights must be finite, non-negative and not all zero.");
    }
}
