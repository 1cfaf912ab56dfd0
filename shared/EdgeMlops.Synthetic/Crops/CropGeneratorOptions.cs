using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.Synthetic.Crops;

/// <summary>How <see cref="CropGenerator"/> renders and cuts crops.</summary>
public sealed record CropGeneratorOptions
{
    /// <summary>Side of the square output crop in pixels.</summary>
    public int CropSize { get; init; } = 96;

    /// <summary>Width of the road frame each crop is cut from; as the edge camera's.</summary>
    public int FrameWidth { get; init; } = 640;

    /// <summary>Height of the road frame each crop is cut from; as the edge camera's.</summary>
    public int FrameHeight { get; init; } = 360;

    /// <summary>Number of distinct roads per lane count that vehicles are placed on (each one cached once rendered).</summary>
    public int BackgroundVariants { get; init; } = 16;

    /// <summary>Chance that a nearer vehicle or a pole hides part of the vehicle.</summary>
    public double OcclusionProbability { get; init; } = 0.25;

    /// <summary>Chance of another vehicle in a farther lane or the same lane near the vehicle (context clutter).</summary>
    public double NeighbourProbability { get; init; } = 0.35;

    /// <summary>Standard deviation of each box edge's displacement, as a share of the box size: region proposals are never exact.</summary>
    public double BoxJitter { get; init; } = 0.04;

    /// <summary>
    /// Classes rendered, as targets and as neighbours or occluders, in this order: the default five unless a model
    /// for more (e.g. with <see cref="VehicleClass.Pickup"/>) is trained or measured. The default keeps every
    /// existing seed's crops as they were.
    /// </summary>
    public IReadOnlyList<VehicleClass> Classes { get; init; } = VehicleClasses.All;

    /// <summary>Options rendering <paramref name="labels"/> (canonical labels, in the model's order).</summary>
    /// <exception cref="FormatException">A label names no class of the synthetic world.</exception>
    public static CropGeneratorOptions ForLabels(IReadOnlyList<string> labels) =>
        new() { Classes = [.. labels.Select(VehicleClasses.Parse)] };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (CropSize is < 8 or > 1024)
            throw new ArgumentException($"CropSize {CropSize} must be within 8-1024.");
        if (FrameWidth < 160 || FrameHeight < 90)
            throw new ArgumentException($"Frame {FrameWidth}x{FrameHeight} must be at least 160x90.");
        if (BackgroundVariants is < 1 or > 256)
            throw new ArgumentException($"BackgroundVariants {BackgroundVariants} must be within 1-256.");
        if (!(OcclusionProbability is >= 0 and <= 1) || !(NeighbourProbability is >= 0 and <= 1))
            throw new ArgumentException("Probabilities must be within [0, 1].");
        if (!(BoxJitter is >= 0 and <= 0.25))
            throw new ArgumentException($"BoxJitter {BoxJitter} must be within [0, 0.25].");
        if (Classes is null || Classes.Count == 0)
            throw new ArgumentException("Classes must name at least one vehicle class.");
        if (Classes.Any(c => !Enum.IsDefined(c)) || Classes.Distinct().Count() != Classes.Count)
            throw new ArgumentException($"Classes [{string.Join(", ", Classes)}] must be known vehicle classes, each once.");
    }
}
