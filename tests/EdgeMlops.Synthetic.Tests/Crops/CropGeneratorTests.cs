using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Crops;

public sealed class CropGeneratorTests : IDisposable
{
    private readonly CropGenerator _generator = new();

    public void Dispose() => _generator.Dispose();

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        foreach (var condition in new[] { Condition.Day, Condition.Parse("night"), Condition.Parse("rain:0.6") })
        {
            using var a = _generator.Generate(VehicleClass.Truck, 17, condition);
            using var otherGenerator = new CropGenerator();
            using var b = otherGenerator.Generate(VehicleClass.Truck, 17, condition);
            using var c = _generator.Generate(VehicleClass.Truck, 18, condition);
            Assert.Equal(Bytes(a.Image), Bytes(b.Image));
            Assert.NotEqual(Bytes(a.Image), Bytes(c.Image));
        }
    }

    [Fact]
    public void Crops_are_square_bgr_of_the_configured_size_with_label_and_id()
    {
        using var generator = new CropGenerator(new CropGeneratorOptions { CropSize = 64 });
        using var crop = generator.Generate(VehicleClass.Bus, 3, Condition.Parse("fog:0.7"));
        Assert.Equal(new Size(64, 64), crop.Image.Size());
        Assert.Equal(MatType.CV_8UC3, crop.Image.Type());
        Assert.Equal("bus", crop.Label);
        Assert.Equal("bus-fog70-3", crop.Id);
        Assert.Equal(Condition.Parse("fog:0.7"), crop.Condition);
    }

    [Fact]
    public void The_same_sample_is_the_same_vehicle_under_every_condition()
    {
        using var day = _generator.Generate(VehicleClass.Van, 5, Condition.Day);
        using var fog = _generator.Generate(VehicleClass.Van, 5, Condition.Parse("fog:0.2"));
        using var otherVan = _generator.Generate(VehicleClass.Van, 6, Condition.Day);
        double paired = MeanDifference(day.Image, fog.Image), unpaired = MeanDifference(day.Image, otherVan.Image);
        Assert.True(paired < unpaired, $"paired {paired} vs unpaired {unpaired}");
    }

    [Fact]
    public void Bulk_generation_is_balanced_interleaved_and_uniquely_named()
    {
        var conditions = Condition.ParseList("day,night");
        var crops = _generator.Generate(7, conditions, perClass: 3).ToList();
        try
        {
            Assert.Equal(3 * 2 * 5, crops.Count);
            Assert.Equal(crops.Count, crops.Select(c => c.Id).Distinct().Count());
            Assert.Equal(VehicleClasses.Labels, crops.Take(5).Select(c => c.Label));
            Assert.All(crops.Take(5), c => Assert.Equal(Condition.Day, c.Condition));
            Assert.All(crops.GroupBy(c => (c.Label, c.Condition)), g => Assert.Equal(3, g.Count()));
            Assert.Equal("car-night-s7-00002", crops[^5].Id);
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Crops_are_cut_as_the_square_around_the_box_like_the_edge_pipeline()
    {
        var options = new CropGeneratorOptions { OcclusionProbability = 0, NeighbourProbability = 0, BoxJitter = 0 };
        using var generator = new CropGenerator(options);
        double expectedSide = options.CropSize / (1 + 2 * EdgeMlops.Vision.CropGeometry.DefaultMargin);
        // Rounding the square to whole frame pixels moves the box by about a frame pixel's worth in the crop.
        double tolerance = 2 + options.CropSize / 60.0, middle = options.CropSize / 2.0;
        int samples = 0, centred = 0;
        foreach (var vehicleClass in VehicleClasses.All)
        {
            for (int seed = 0; seed < 10; seed++)
            {
                using var crop = generator.Generate(vehicleClass, seed, Condition.Day);
                var box = crop.Box;
                Assert.InRange(Math.Max(box.Width, box.Height), expectedSide - tolerance, expectedSide + tolerance);
                Assert.True(box.X >= -0.5 && box.Y >= -0.5 && box.Right <= options.CropSize + 0.5 && box.Bottom <= options.CropSize + 0.5, $"{box}");
                double expectedAspect = vehicleClass == VehicleClass.Motorcycle ? 1 : 1.8;
                Assert.True(box.Width / box.Height > expectedAspect, $"{vehicleClass} {seed}: box {box} in a side view");
                samples++;
                // The square is shifted only when it would leave the frame (vehicles near an edge).
                if (Math.Abs(box.X + box.Width / 2 - middle) < tolerance && Math.Abs(box.Y + box.Height / 2 - middle) < tolerance)
                    centred++;
            }
        }
        Assert.True(centred >= 0.7 * samples, $"{centred} of {samples} crops centred on their box");
    }

    [Fact]
    public void Invalid_options_are_rejected() =>
        Assert.Throws<ArgumentException>(() => new CropGenerator(new CropGeneratorOptions { CropSize = 2 }));

    [Fact]
    public void Pickups_are_rendered_only_when_the_options_name_them()
    {
        var defaults = _generator.Generate(3, [Condition.Day], perClass: 2).ToList();
        using var sixGenerator = new CropGenerator(CropGeneratorOptions.ForLabels([.. VehicleClasses.KnownLabels]));
        var six = sixGenerator.Generate(3, [Condition.Day], perClass: 2).ToList();
        try
        {
            Assert.DoesNotContain(defaults, c => c.Class == VehicleClass.Pickup);
            Assert.Equal(VehicleClasses.KnownLabels, six.Take(6).Select(c => c.Label));
            Assert.Equal(2, six.Count(c => c.Label == "pickup"));
            // The five default classes' samples are the same vehicles whichever classes are switched on.
            var fiveFromSix = six.Where(c => c.Class != VehicleClass.Pickup).Select(c => c.Id).ToList();
            Assert.Equal(defaults.Select(c => c.Id), fiveFromSix);
        }
        finally
        {
            defaults.ForEach(c => c.Dispose());
            six.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Options_refuse_an_empty_or_repeated_class_list()
    {
        Assert.Throws<ArgumentException>(() => new CropGenerator(new CropGeneratorOptions { Classes = [] }));
        Assert.Throws<ArgumentException>(() => new CropGenerator(new CropGeneratorOptions { Classes = [VehicleClass.Car, VehicleClass.Car] }));
        var error = Assert.Throws<FormatException>(() => CropGeneratorOptions.ForLabels(["car", "tractor"]));
        Assert.Contains("tractor", error.Message);
    }

    private static double MeanDifference(Mat a, Mat b)
    {
        using var difference = new Mat();
        Cv2.Absdiff(a, b, difference);
        return difference.Mean().Val0;
    }

    private static byte[] Bytes(Mat image)
    {
        Cv2.ImEncode(".png", image, out byte[] png);
        return png;
    }
}
