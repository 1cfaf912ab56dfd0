using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>
/// Measures how many pixels of each vehicle survive occlusion: silhouettes are painted far to near into a
/// label map, so each pixel ends up owned by the nearest vehicle, then owners are counted.
/// </summary>
internal sealed class VisibilityCounter : IDisposable
{
    /// <summary>Label 0 is the road; vehicles get 1-255.</summary>
    public const int MaxVehicles = 255;

    private readonly Mat _labels = new();
    private readonly Mat _areaScratch = new();
    private readonly int[] _counts = new int[256];

    public void Begin(Size frame)
    {
        _labels.Create(frame, MatType.CV_8UC1);
        _labels.SetTo(Scalar.All(0));
    }

    public void Paint(VehicleShape shape, Point2d topLeft, byte label) =>
        VehicleRenderer.DrawSilhouette(_labels, shape, topLeft, label);

    /// <summary>Pixels owned by each label after all vehicles are painted; index by label.</summary>
    public unsafe ReadOnlySpan<int> Count()
    {
        Array.Clear(_counts);
        int rows = _labels.Rows, cols = _labels.Cols;
        for (int y = 0; y < rows; y++)
        {
            byte* row = (byte*)_labels.Ptr(y);
            for (int x = 0; x < cols; x++)
                _counts[row[x]]++;
        }
        return _counts;
    }

    /// <summary>Silhouette pixels of <paramref name="vehicle"/> at its current sub-pixel position with nothing in front and no frame edge.</summary>
    public int FullArea(SceneVehicle vehicle)
    {
        const int phases = VehicleShape.PhaseCount;
        int phaseX = (int)((long)Math.Round(vehicle.Left * VehicleShape.Unit) & (phases - 1));
        int phaseY = (int)((long)Math.Round(vehicle.Top * VehicleShape.Unit) & (phases - 1));
        ref int area = ref vehicle.FullAreaByPhase[phaseX];
        if (area == 0)
        {
            var shape = vehicle.Shape;
            _areaScratch.Create((int)Math.Ceiling(shape.Size.Height) + 3, (int)Math.Ceiling(shape.Size.Width) + 3, MatType.CV_8UC1);
            _areaScratch.SetTo(Scalar.All(0));
            // Same fractional offset as in the frame, one pixel in from the corner: the same pixels, shifted.
            VehicleRenderer.DrawSilhouette(_areaScratch, shape, new Point2d(1 + phaseX / VehicleShape.Unit, 1 + phaseY / VehicleShape.Unit), 1);
            area = Math.Max(1, Cv2.CountNonZero(_areaScratch));
        }
        return area;
    }

    public void Dispose()
    {
        _labels.Dispose();
        _areaScratch.Dispose();
    }
}
