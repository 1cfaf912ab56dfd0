using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Vehicles;

public class VehicleShapeTests
{
    // Designed aspect (length / height) per class; the classifier relies on these staying apart.
    [Theory]
    [InlineData(VehicleClass.Motorcycle, 1.15, 1.5)]
    [InlineData(VehicleClass.Van, 2.05, 2.5)]
    [InlineData(VehicleClass.Truck, 2.2, 2.95)]
    [InlineData(VehicleClass.Car, 2.8, 3.3)]
    [InlineData(VehicleClass.Bus, 3.45, 4.15)]
    [InlineData(VehicleClass.Pickup, 2.65, 3.1)]
    public void Aspect_stays_in_the_class_range_and_varies(VehicleClass vehicleClass, double min, double max)
    {
        var aspects = Enumerable.Range(0, 300)
            .Select(i => VehicleShape.Create(vehicleClass, new DeterministicRandom(i), 10, i % 2 == 0).Aspect)
            .ToArray();
        Assert.All(aspects, aspect => Assert.InRange(aspect, min - 1e-9, max + 1e-9));
        Assert.True(aspects.Max() - aspects.Min() > 0.5 * (max - min), "aspect should use most of its range");
    }

    [Theory]
    [InlineData(VehicleClass.Car)]
    [InlineData(VehicleClass.Van)]
    [InlineData(VehicleClass.Truck)]
    [InlineData(VehicleClass.Bus)]
    [InlineData(VehicleClass.Motorcycle)]
    [InlineData(VehicleClass.Pickup)]
    public void Drawing_stays_inside_the_box_it_reports(VehicleClass vehicleClass)
    {
        using var canvas = new Mat(200, 400, MatType.CV_8UC3, Scalar.All(0));
        for (int seed = 0; seed < 40; seed++)
        {
            canvas.SetTo(Scalar.All(0));
            var shape = VehicleShape.Create(vehicleClass, new DeterministicRandom(seed), 15, seed % 2 == 0);
            var box = VehicleRenderer.Draw(canvas, shape, new Point2d(40.375, 30.625));
            using var grey = canvas.CvtColor(ColorConversionCodes.BGR2GRAY);
            var drawn = Cv2.BoundingRect(grey);
            Assert.True(box.Contains(drawn.TopLeft) && box.Contains(new Point(drawn.Right - 1, drawn.Bottom - 1)),
                $"{vehicleClass} seed {seed}: drawn {drawn} outside reported {box}");
            Assert.True(drawn.Width >= box.Width - 3 && drawn.Height >= box.Height - 3, $"box {box} much larger than drawing {drawn}");
        }
    }

    [Fact]
    public void Mirrored_vehicle_is_the_horizontal_flip()
    {
        var right = VehicleShape.Create(VehicleClass.Truck, new DeterministicRandom(5), 12, facingRight: true);
        var left = VehicleShape.Create(VehicleClass.Truck, new DeterministicRandom(5), 12, facingRight: false);
        using var a = new Mat(80, 160, MatType.CV_8UC3, Scalar.All(0));
        using var b = new Mat(80, 160, MatType.CV_8UC3, Scalar.All(0));
        VehicleRenderer.Draw(a, right, new Point2d(10, 10));
        // Flipping maps pixel x to 159 - x, i.e. coordinate x to 159 - x with pixel centres on integers.
        VehicleRenderer.Draw(b, left, new Point2d(159 - 10 - left.Size.Width, 10));
        using var flipped = b.Flip(FlipMode.Y);
        using var difference = new Mat();
        Cv2.Absdiff(a, flipped, difference);
        Assert.True(difference.Mean().Val0 < 1.5, $"mean difference {difference.Mean().Val0}");
        using var original = new Mat();
        Cv2.Absdiff(a, b, original);
        Assert.True(original.Mean().Val0 > 3 * difference.Mean().Val0 + 1, "the two directions should not look the same");
    }

    [Fact]
    public void Lamps_are_reported_where_the_vehicle_is_placed()
    {
        var shape = VehicleShape.Create(VehicleClass.Car, new DeterministicRandom(3), 20, facingRight: true);
        var lamps = new List<EdgeMlops.Synthetic.Conditions.LampLight>();
        VehicleRenderer.AddLamps(shape, new Point2d(100, 50), lamps);
        Assert.Equal(2, lamps.Count);
        var box = shape.BoundsAt(new Point2d(100, 50));
        Assert.All(lamps, lamp => Assert.True(box.Contains(new Point((int)lamp.Position.X, (int)lamp.Position.Y))));
        var head = lamps.Single(l => l.Kind == EdgeMlops.Synthetic.Conditions.LampKind.Head);
        Assert.True(head.Position.X > box.X + box.Width / 2, "a right-facing vehicle has its headlight on the right");
    }
}
