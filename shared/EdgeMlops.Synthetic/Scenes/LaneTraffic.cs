namespace EdgeMlops.Synthetic.Scenes;

/// <summary>
/// The vehicles of one lane, front first. Vehicles enter at one edge when the entry is clear and keep a
/// minimum gap behind the vehicle ahead, so vehicles of a lane never overlap.
/// </summary>
internal sealed class LaneTraffic(Lane lane, int frameWidth, double meanSecondsBetweenVehicles)
{
    /// <summary>Minimum bumper-to-bumper gap, in metres.</summary>
    private const double MinimumGapMetres = 5;

    private readonly List<SceneVehicle> _vehicles = [];
    private double _nextEntrySeconds = double.PositiveInfinity;

    public Lane Lane => lane;

    /// <summary>Vehicles from the front (next to leave) to the back.</summary>
    public IReadOnlyList<SceneVehicle> Vehicles => _vehicles;

    private double Gap => MinimumGapMetres * lane.PixelsPerMetre;

    public void ScheduleFirstEntry(DeterministicRandom rng)
    {
        if (double.IsFinite(meanSecondsBetweenVehicles))
            _nextEntrySeconds = rng.NextExponential(meanSecondsBetweenVehicles);
    }

    /// <summary>Moves every vehicle one frame, drops those that left, and lets one enter when it is due and there is room.</summary>
    public void Step(double nowSeconds, VehicleSpawner spawner, DeterministicRandom rng)
    {
        Move();
        _vehicles.RemoveAll(v => lane.Direction > 0 ? v.Left >= frameWidth : v.Right <= 0);
        if (nowSeconds >= _nextEntrySeconds && EntryIsClear())
        {
            _vehicles.Add(spawner.Create(lane, frameWidth));
            _nextEntrySeconds += rng.NextExponential(meanSecondsBetweenVehicles);
        }
    }

    private void Move()
    {
        for (int i = 0; i < _vehicles.Count; i++)
        {
            var vehicle = _vehicles[i];
            if (lane.Direction > 0)
            {
                double next = vehicle.Left + vehicle.PixelsPerFrame;
                if (i > 0)
                    next = Math.Min(next, _vehicles[i - 1].Left - Gap - vehicle.Shape.Size.Width);
                vehicle.Left = Math.Max(vehicle.Left, next);
            }
            else
            {
                double next = vehicle.Left - vehicle.PixelsPerFrame;
                if (i > 0)
                    next = Math.Max(next, _vehicles[i - 1].Right + Gap);
                vehicle.Left = Math.Min(vehicle.Left, next);
            }
        }
    }

    private bool EntryIsClear()
    {
        if (_vehicles.Count == 0)
            return true;
        var last = _vehicles[^1];
        return lane.Direction > 0 ? last.Left >= Gap : last.Right <= frameWidth - Gap;
    }
}
