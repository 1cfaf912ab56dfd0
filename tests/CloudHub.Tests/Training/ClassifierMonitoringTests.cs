using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Training;

public sealed class ClassifierMonitoringTests
{
    [Fact]
    public void A_bootstrapped_package_carries_its_calibration_certainty_threshold_and_day_reference_signed()
    {
        using var temp = new TempDirectory();
        using var key = SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));
        var options = new SeedBootstrapOptions
        {
            Seed = 13, TrainPerClass = 80, EvaluationPerClass = 20, EvaluationConditions = ["day"],
            CalibrationPerClass = 40, ReferenceSeconds = 20, CertaintyThreshold = 0.45,
        };

        new SeedClassifierBootstrap(NullLogger.Instance).Run(options, temp.File("pkg"), key, overwrite: false);

        // Read back from the signed, verified package as a box reads it.
        var monitoring = ModelPackageVerifier.Verify(temp.File("pkg"), TrustedKeys.FromDirectory(RepositoryPaths.Keys)).Manifest.Monitoring;
        Assert.NotNull(monitoring);
        Assert.InRange(monitoring.Temperature, 0.05, 20);
        Assert.Equal(0.45, monitoring.CertaintyThreshold);
        var reference = monitoring.Reference!;
        Assert.Equal(1, reference.ClassMix.Values.Sum(), 3);
        Assert.Equal(1, reference.ConfidenceHistogram.Sum(), 3);
        Assert.Equal(10, reference.ConfidenceHistogram.Count);
        // The day road has more cars than anything else (the scene's default mix), and the model sees that.
        Assert.Equal("car", reference.ClassMix.MaxBy(m => m.Value).Key);
        Assert.InRange(reference.MeanBrightness!.Value, 20, 235);
        Assert.True(reference.MeanContrast > 0);
        Assert.InRange(reference.MeanBoxArea!.Value, 0.0005, 0.2);
    }
}
