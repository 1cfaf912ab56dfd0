using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>Creates the vehicles entering the view: class by the mix, design, speed, track id.</summary>
internal sealed class VehicleSpawner
{
    private readonly DeterministicRandom _rng;
    private readonly double _fps;
    private readonly (VehicleClass Class, double Cumulative)[] _mix;
    private int _nextTrackId = 1;

    public VehicleSpawner(DeterministicRandom rng, double fps, IReadOnlyDictionary<VehicleClass, double> classMix)
    {
        _rng = rng;
        _fps = fps;
        double total = classMix.Values.Sum(), running = 0;
        // Ordered by class so the mix does not depend on the dictionary's enumeration order.
        _mix = classMix.Where(p => p.Value > 0).OrderBy(p => p.Key)
            .Select(p => (p.Key, running += p.Value / total)).ToArray();
    }

    /// <summary>A new vehicle for <paramref name="lane"/>, placed just outside the frame edge it enters from.</summary>
    public SceneVehicle Create(Lane lane, int frameWidth)
    {
        var vehicleClass = PickClass();
        var shape = VehicleShape.Create(vehicleClass, _rng, lane.PixelsPerMetre, lane.Direction > 0);
        double top = lane.GroundY + _rng.Range(-0.06, 0.06) * lane.Height - shape.Size.Height;
        double pixelsPerFrame = VehicleSpeeds.Sample(vehicleClass, _rng) * lane.PixelsPerMetre / _fps;
        return new SceneVehicle(_nextTrackId++, shape, top, pixelsPerFrame)
        {
            Left = lane.Direction > 0 ? -shape.Size.Width : frameWidth,
        };
    }

    private VehicleClass PickClass()
    {
        double u = _rng.NextDouble();
        foreach (var (vehicleClass, cumulative) in _mix)
            if (u < cumulative)
                return vehicleClass;
        return _mix[^1].Class;
    }
}
