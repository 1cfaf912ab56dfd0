using EdgeMlops.CloudHub.Training;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Tests.Training;

public sealed class ReferenceProfileTests
{
    [Fact]
    public void Class_mix_and_confidence_are_per_vehicle_and_image_statistics_per_crop()
    {
        var profile = new ReferenceProfile(["car", "van", "bus"]);
        using var dark = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(100));
        using var bright = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(200));

        // Vehicle 1 seen twice: mean (0.8, 0.15, 0.05), a car at 0.8. Vehicle 2 once: a van at 0.55.
        profile.Add(1, [0.9, 0.05, 0.05], dark, 0.01);
        profile.Add(1, [0.7, 0.25, 0.05], dark, 0.03);
        profile.Add(2, [0.3, 0.55, 0.15], bright, 0.05);
        var reference = profile.Build();

        Assert.Equal(new Dictionary<string, double> { ["car"] = 0.5, ["van"] = 0.5, ["bus"] = 0 }, reference.ClassMix);
        Assert.Equal([0, 0, 0, 0, 0, 0.5, 0, 0, 0.5, 0], reference.ConfidenceHistogram);
        Assert.Equal(133.333, reference.MeanBrightness);
        Assert.Equal(0, reference.MeanContrast);
        Assert.Equal(0.03, reference.MeanBoxArea);
    }

    [Fact]
    public void A_confidence_of_one_falls_in_the_last_bin()
    {
        Assert.Equal(9, ReferenceProfile.ConfidenceBin(1.0));
        Assert.Equal(0, ReferenceProfile.ConfidenceBin(0.0));
        Assert.Equal(4, ReferenceProfile.ConfidenceBin(0.45));
    }
}
