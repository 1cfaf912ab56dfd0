using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Vehicles;

public class PickupDesignTests
{
    // The cue that sets a pickup apart: its rear (the open bed) is much lower than its cab, where a van is one
    // tall box, a truck's cargo box is taller than its cab, and a car is lower overall.
    [Fact]
    public void A_pickups_bed_is_lower_than_its_cab_unlike_a_van_or_a_truck()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var pickup = RearOverCab(VehicleClass.Pickup, seed);
            var van = RearOverCab(VehicleClass.Van, seed);
            var truck = RearOverCab(VehicleClass.Truck, seed);
            Assert.True(pickup < 0.75, $"seed {seed}: pickup rear/cab height {pickup:F2}");
            Assert.True(van > 0.9, $"seed {seed}: van rear/cab height {van:F2}");
            Assert.True(truck > 1.0, $"seed {seed}: truck rear/cab height {truck:F2}");
        }
    }

    [Fact]
    public void A_pickup_is_taller_than_a_car_at_the_same_scale()
    {
        var pickups = Enumerable.Range(0, 50).Select(i => VehicleShape.Create(VehicleClass.Pickup, new DeterministicRandom(i), 20, true).Size.Height);
        var cars = Enumerable.Range(0, 50).Select(i => VehicleShape.Create(VehicleClass.Car, new DeterministicRandom(i), 20, true).Size.Height);
        Assert.True(pickups.Min() > cars.Max(), $"lowest pickup {pickups.Min():F1} px, tallest car {cars.Max():F1} px");
    }

    /// <summary>Silhouette height over the rear quarter against the height over the front half (facing right).</summary>
    private static double RearOverCab(VehicleClass vehicleClass, int seed)
    {
        var shape = VehicleShape.Create(vehicleClass, new DeterministicRandom(seed), 20, facingRight: true);
        using var mask = new Mat((int)Math.Ceiling(shape.Size.Height) + 8, (int)Math.Ceiling(shape.Size.Width) + 8, MatType.CV_8UC1, Scalar.All(0));
        VehicleRenderer.DrawSilhouette(mask, shape, new Point2d(4, 4), 255);
        int width = (int)shape.Size.Width;
        double rear = MeanColumnHeight(mask, 4 + width / 16, 4 + width / 4);
        double cab = Enumerable.Range(0, 8).Max(k => MeanColumnHeight(mask, 4 + width / 2 + k * width / 20, 4 + width / 2 + (k + 1) * width / 20));
        return rear / cab;
    }

    private static double MeanColumnHeight(Mat mask, int from, int to)
    {
        mask.GetArray(out byte[] pixels);
        int rows = mask.Rows, cols = mask.Cols;
        long filled = 0;
        for (int y = 0; y < rows; y++)
            for (int x = from; x < to; x++)
                if (pixels[y * cols + x] != 0) filled++;
        return (double)filled / (to - from);
    }
}
