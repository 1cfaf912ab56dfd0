using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>
/// A fixed camera looking across a highway: static background, traffic in both directions at class-dependent
/// speeds, the condition schedule applied per frame, and per-frame ground truth. Frames are rendered on demand
/// into a caller-owned Mat, so a stream can run for hours without per-frame image allocations. Not thread-safe.
/// </summary>
public sealed class HighwayScene : IDisposable
{
    /// <summary>Traffic is simulated this long before frame 0, so the first frame already shows a busy road.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    private readonly Mat _background = new();
    private readonly LaneTraffic[] _lanes;
    private readonly DeterministicRandom _trafficRng;
    private readonly VehicleSpawner _spawner;
    private readonly VisibilityCounter _visibility = new();
    private readonly ConditionPainter _painter = new();
    private readonly List<LampLight> _lamps = [];
    private readonly List<SceneVehicle> _drawn = [];
    private long _simulatedFrames;

    /// <summary>Builds the background and warms the traffic up; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public HighwayScene(HighwaySceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Layout = RoadLayout.Create(new Size(options.Width, options.Height), options.LaneCount);
        RoadBackgroundRenderer.Render(_background, Layout, new DeterministicRandom(DeterministicRandom.DeriveSeed(options.Seed, 1)));

        _trafficRng = new DeterministicRandom(DeterministicRandom.DeriveSeed(options.Seed, 2));
        _spawner = new VehicleSpawner(_trafficRng, options.Fps, options.ClassMix);
        double meanGap = options.VehiclesPerLanePerMinute > 0 ? 60 / options.VehiclesPerLanePerMinute : double.PositiveInfinity;
        _lanes = Layout.Lanes.Select(lane => new LaneTraffic(lane, options.Width, meanGap)).ToArray();
        foreach (var lane in _lanes)
            lane.ScheduleFirstEntry(_trafficRng);

        long warmUpFrames = (long)Math.Round(WarmUp.TotalSeconds * options.Fps);
        for (long i = 0; i < warmUpFrames; i++)
            Simulate();
    }

    /// <summary>The options the scene was built from.</summary>
    public HighwaySceneOptions Options { get; }

    /// <summary>Where the lanes are.</summary>
    public RoadLayout Layout { get; }

    /// <summary>Index of the frame the next <see cref="Next"/> call renders.</summary>
    public long FrameIndex { get; private set; }

    /// <summary>Frame size in pixels.</summary>
    public Size FrameSize => Layout.Frame;

    /// <summary>Copies the static, condition-free background into <paramref name="target"/>.</summary>
    public void CopyBackgroundTo(Mat target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _background.CopyTo(target);
    }

    /// <summary>
    /// Renders the next frame into <paramref name="target"/> (8-bit BGR; reallocated only when its size or type
    /// differs) and returns its ground truth; then advances the traffic by one frame.
    /// </summary>
    public FrameTruth Next(Mat target)
    {
        ArgumentNullException.ThrowIfNull(target);
        long frameIndex = FrameIndex;
        long timestampMs = (long)Math.Round(frameIndex * 1000.0 / Options.Fps);
        _background.CopyTo(target);
        _visibility.Begin(FrameSize);
        _lamps.Clear();
        _drawn.Clear();

        // Lanes are stored far to near, so painting in order lets nearer vehicles cover farther ones.
        foreach (var lane in _lanes)
        {
            foreach (var vehicle in lane.Vehicles)
            {
                if (vehicle.Right <= 0 || vehicle.Left >= FrameSize.Width)
                    continue;
                if (_drawn.Count == VisibilityCounter.MaxVehicles)
                    throw new InvalidOperationException($"More than {VisibilityCounter.MaxVehicles} vehicles in one frame.");
                _drawn.Add(vehicle);
                VehicleRenderer.Draw(target, vehicle.Shape, vehicle.TopLeft);
                _visibility.Paint(vehicle.Shape, vehicle.TopLeft, (byte)_drawn.Count);
                VehicleRenderer.AddLamps(vehicle.Shape, vehicle.TopLeft, _lamps);
            }
        }

        var condition = Options.Conditions.At(TimeSpan.FromMilliseconds(frameIndex * 1000.0 / Options.Fps));
        _painter.Apply(target, condition, new DeterministicRandom(DeterministicRandom.DeriveSeed(Options.Seed, 3, (int)frameIndex, (int)(frameIndex >> 32))), _lamps);

        var truth = new FrameTruth(frameIndex, timestampMs, Truth());
        Simulate();
        FrameIndex++;
        return truth;
    }

    /// <summary>Releases the background and scratch images.</summary>
    public void Dispose()
    {
        _background.Dispose();
        _visibility.Dispose();
        _painter.Dispose();
    }

    private List<TruthObject> Truth()
    {
        var counts = _visibility.Count();
        var frame = new Rect(0, 0, FrameSize.Width, FrameSize.Height);
        var objects = new List<TruthObject>(_drawn.Count);
        for (int i = 0; i < _drawn.Count; i++)
        {
            var vehicle = _drawn[i];
            var box = vehicle.Shape.BoundsAt(vehicle.TopLeft) & frame;
            if (box.Width <= 0 || box.Height <= 0)
                continue;
            double visible = Math.Min(1, (double)counts[i + 1] / _visibility.FullArea(vehicle));
            objects.Add(new TruthObject(vehicle.TrackId, vehicle.Shape.Class.ToLabel(), box, Math.Round(visible, 3)));
        }
        return objects;
    }

    private void Simulate()
    {
        double now = _simulatedFrames / Options.Fps;
        foreach (var lane in _lanes)
            lane.Step(now, _spawner, _trafficRng);
        _simulatedFrames++;
    }
}
