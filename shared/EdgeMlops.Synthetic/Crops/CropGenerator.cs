using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Vision;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Crops;

/// <summary>
/// Renders single vehicles on a road frame (random lane, scale, position, neighbours, occluders), applies a
/// condition to the whole frame, and cuts the crop with <see cref="CropGeometry.SquareAround"/> around a
/// slightly jittered box, exactly as the edge pipeline cuts crops around detected boxes. A sample seed fixes
/// the vehicle and the road; the condition only changes the imaging, so the same seed gives paired crops
/// across conditions. Not thread-safe: use one generator per thread.
/// </summary>
public sealed class CropGenerator : IDisposable
{
    private readonly CropGeneratorOptions _options;
    private readonly Size _frameSize;
    private readonly RoadLayout[] _layouts;
    private readonly Mat?[] _backgrounds;
    private readonly Mat _frame = new();
    private readonly ConditionPainter _painter = new();
    private readonly List<LampLight> _lamps = [];

    /// <summary>A generator with <paramref name="options"/> (defaults when null).</summary>
    public CropGenerator(CropGeneratorOptions? options = null)
    {
        _options = options ?? new CropGeneratorOptions();
        _options.Validate();
        _frameSize = new Size(_options.FrameWidth, _options.FrameHeight);
        _layouts = [RoadLayout.Create(_frameSize, 3), RoadLayout.Create(_frameSize, 4)];
        _backgrounds = new Mat?[_layouts.Length * _options.BackgroundVariants];
    }

    /// <summary>The options in force.</summary>
    public CropGeneratorOptions Options => _options;

    /// <summary>The crop of sample <paramref name="seed"/> of <paramref name="vehicleClass"/> under <paramref name="condition"/>.</summary>
    public LabelledCrop Generate(VehicleClass vehicleClass, int seed, Condition condition) =>
        Generate(vehicleClass, seed, condition, $"{vehicleClass.ToLabel()}-{condition.ToFileToken()}-{seed}");

    /// <summary>
    /// <paramref name="perClass"/> crops of every class of <see cref="CropGeneratorOptions.Classes"/> under every condition, interleaved (index, then condition,
    /// then class) so that any prefix is balanced. Sample i of a class has the same vehicle under each condition.
    /// The caller disposes each crop.
    /// </summary>
    public IEnumerable<LabelledCrop> Generate(int seed, IReadOnlyList<Condition> conditions, int perClass)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        if (conditions.Count == 0)
            throw new ArgumentException("At least one condition is needed.", nameof(conditions));
        return Enumerate();

        IEnumerable<LabelledCrop> Enumerate()
        {
            for (int i = 0; i < perClass; i++)
            {
                foreach (var condition in conditions)
                {
                    foreach (var vehicleClass in _options.Classes)
                    {
                        int sampleSeed = DeterministicRandom.DeriveSeed(seed, (int)vehicleClass, i);
                        string id = $"{vehicleClass.ToLabel()}-{condition.ToFileToken()}-s{seed}-{i:D5}";
                        yield return Generate(vehicleClass, sampleSeed, condition, id);
                    }
                }
            }
        }
    }

    /// <summary>Releases the scratch frame and cached backgrounds.</summary>
    public void Dispose()
    {
        _frame.Dispose();
        _painter.Dispose();
        foreach (var background in _backgrounds)
            background?.Dispose();
    }

    /// <summary>
    /// Background <paramref name="variant"/>, rendered on first use from a seed that depends only on the variant:
    /// textures cost more than everything else in a crop, and a few dozen roads give enough variety.
    /// </summary>
    private Mat Background(int variant, RoadLayout layout)
    {
        if (_backgrounds[variant] is { } cached)
            return cached;
        var background = new Mat();
        RoadBackgroundRenderer.Render(background, layout, new DeterministicRandom(DeterministicRandom.DeriveSeed(variant, 13)));
        return _backgrounds[variant] = background;
    }

    private LabelledCrop Generate(VehicleClass vehicleClass, int seed, Condition condition, string id)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var rng = new DeterministicRandom(DeterministicRandom.DeriveSeed(seed, 11));
        int variant = rng.NextInt(_backgrounds.Length);
        var layout = _layouts[variant % _layouts.Length];
        Background(variant, layout).CopyTo(_frame);
        _lamps.Clear();

        var lane = rng.Pick(layout.Lanes);
        var shape = VehicleShape.Create(vehicleClass, rng, lane.PixelsPerMetre * rng.Range(0.9, 1.1), lane.Direction > 0);
        var topLeft = new Point2d(
            Placement(rng, _frameSize.Width, shape.Size.Width),
            lane.GroundY + rng.Range(-0.08, 0.08) * lane.Height - shape.Size.Height);

        if (rng.Chance(_options.NeighbourProbability))
            DrawNeighbour(layout, lane, topLeft, shape, rng);
        var box = VehicleRenderer.Draw(_frame, shape, topLeft);
        VehicleRenderer.AddLamps(shape, topLeft, _lamps);
        if (rng.Chance(_options.OcclusionProbability))
            DrawOccluder(layout, lane, box, rng);

        box = Jitter(box, rng) & new Rect(0, 0, _frameSize.Width, _frameSize.Height);
        var square = CropGeometry.SquareAround(box, _frameSize);
        var conditionRng = new DeterministicRandom(DeterministicRandom.DeriveSeed(seed, 12, (int)condition.Kind));
        _painter.ApplyToRegion(_frame, square, condition, conditionRng, _lamps);

        var crop = new Mat();
        using (var region = new Mat(_frame, square))
        {
            // Area averaging when shrinking avoids aliasing; linear when enlarging small far-lane vehicles.
            var interpolation = square.Width >= _options.CropSize ? InterpolationFlags.Area : InterpolationFlags.Linear;
            Cv2.Resize(region, crop, new Size(_options.CropSize, _options.CropSize), 0, 0, interpolation);
        }
        double scale = (double)_options.CropSize / square.Width;
        var boxInCrop = new Rect2d((box.X - square.X) * scale, (box.Y - square.Y) * scale, box.Width * scale, box.Height * scale);
        return new LabelledCrop(id, vehicleClass, condition, crop, boxInCrop);
    }

    /// <summary>Left edge that keeps the vehicle inside the frame with some room; centred when it barely fits.</summary>
    private static double Placement(DeterministicRandom rng, int frameWidth, double width)
    {
        double margin = Math.Min(20, (frameWidth - width) / 2);
        return margin <= 0 ? (frameWidth - width) / 2 : rng.Range(margin, frameWidth - margin - width);
    }

    /// <summary>Another vehicle behind the target: in a farther lane, or in the same lane ahead or behind with a gap.</summary>
    private void DrawNeighbour(RoadLayout layout, Lane lane, Point2d target, VehicleShape targetShape, DeterministicRandom rng)
    {
        var neighbourClass = rng.Pick(_options.Classes);
        bool sameLane = lane.Index == 0 || rng.Chance(0.4);
        var neighbourLane = sameLane ? lane : layout.Lanes[rng.NextInt(lane.Index)];
        var shape = VehicleShape.Create(neighbourClass, rng, neighbourLane.PixelsPerMetre, neighbourLane.Direction > 0);
        double left;
        if (sameLane)
        {
            double gap = rng.Range(4, 12) * lane.PixelsPerMetre;
            left = rng.Chance(0.5) ? target.X - gap - shape.Size.Width : target.X + targetShape.Size.Width + gap;
        }
        else
        {
            left = target.X + rng.Range(-0.8, 0.8) * targetShape.Size.Width;
        }
        var topLeft = new Point2d(left, neighbourLane.GroundY - shape.Size.Height);
        VehicleRenderer.Draw(_frame, shape, topLeft);
        VehicleRenderer.AddLamps(shape, topLeft, _lamps);
    }

    /// <summary>Hides up to about a third of the target behind a vehicle in a nearer lane, or a pole in front of the road.</summary>
    private void DrawOccluder(RoadLayout layout, Lane lane, Rect target, DeterministicRandom rng)
    {
        bool nearerLaneExists = lane.Index < layout.Lanes.Count - 1;
        if (nearerLaneExists && rng.Chance(0.6))
        {
            var nearLane = layout.Lanes[rng.NextInt(lane.Index + 1, layout.Lanes.Count - 1)];
            var shape = VehicleShape.Create(rng.Pick(_options.Classes), rng, nearLane.PixelsPerMetre, nearLane.Direction > 0);
            double overlap = rng.Range(0.1, 0.35) * target.Width;
            double left = rng.Chance(0.5) ? target.Left - shape.Size.Width + overlap : target.Right - overlap;
            var topLeft = new Point2d(left, nearLane.GroundY - shape.Size.Height);
            VehicleRenderer.Draw(_frame, shape, topLeft);
            VehicleRenderer.AddLamps(shape, topLeft, _lamps);
            return;
        }
        double nearScale = layout.Lanes[^1].PixelsPerMetre;
        int width = Math.Max(2, (int)Math.Round(rng.Range(0.2, 0.35) * nearScale));
        int x = (int)(target.Left + rng.Range(0.1, 0.9) * target.Width);
        var metal = Scalar.All(rng.Range(95, 165));
        Cv2.Rectangle(_frame, new Point(x, 0), new Point(x + width, _frameSize.Height - 1), metal, -1);
        Cv2.Line(_frame, new Point(x + width, 0), new Point(x + width, _frameSize.Height - 1), Darker(metal), 1);
    }

    private Rect Jitter(Rect box, DeterministicRandom rng)
    {
        double s = _options.BoxJitter;
        double left = box.Left + rng.NextGaussian() * s * box.Width, right = box.Right + rng.NextGaussian() * s * box.Width;
        double top = box.Top + rng.NextGaussian() * s * box.Height, bottom = box.Bottom + rng.NextGaussian() * s * box.Height;
        int x = (int)Math.Round(Math.Min(left, right - 2)), y = (int)Math.Round(Math.Min(top, bottom - 2));
        return new Rect(x, y, Math.Max(2, (int)Math.Round(right) - x), Math.Max(2, (int)Math.Round(bottom) - y));
    }

    private static Scalar Darker(Scalar colour) => new(colour.Val0 * 0.6, colour.Val1 * 0.6, colour.Val2 * 0.6);
}
