using EdgeMlops.CloudHub.Training;
using EdgeMlops.CloudHub.Training.Backbones;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Vision;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Training.Backbones;

/// <summary>
/// The second model a fleet rolls out, bootstrapped once for the class: the 96x96 pyramid backbone with six labels
/// (pickup added), a canary gate it must pass, and a scrambled twin that must fail it.
/// </summary>
public sealed class SixLabelModelFixture : IDisposable
{
    public const double Gate = 0.8;
    public static readonly IReadOnlyList<string> SixLabels = VehicleClasses.KnownLabels;

    private readonly TempDirectory _temp = new();

    public SixLabelModelFixture()
    {
        using var key = SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));
        var bootstrap = new ClassifierBootstrap(NullLogger.Instance);
        var options = new SeedBootstrapOptions
        {
            Labels = SixLabels, Version = "2.0.0", TrainPerClass = 200, EvaluationPerClass = 40, EvaluationConditions = ["day"],
            Gate = new CanaryGate { MinMacroPrecision = Gate },
        };
        Good = bootstrap.Run(new OrientedPyramidBackbone(), options, _temp.File("v2"), key, overwrite: false);
        Scrambled = bootstrap.Run(new OrientedPyramidBackbone(), options with { TrainPerClass = 30, Version = "2.0.1-bad", ScrambleHead = true },
            _temp.File("v2-bad"), key, overwrite: false);
    }

    public SeedBootstrapResult Good { get; }
    public SeedBootstrapResult Scrambled { get; }
    public string GoodDirectory => _temp.File("v2");
    public string ScrambledDirectory => _temp.File("v2-bad");

    public static VerifiedModelPackage Verify(string directory) =>
        ModelPackageVerifier.Verify(directory, TrustedKeys.FromDirectory(RepositoryPaths.Keys));

    public static ClassifierSession Open(VerifiedModelPackage package) =>
        ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = 32 }, NullLogger.Instance);

    public void Dispose() => _temp.Dispose();
}

public sealed class SixLabelPyramidModelTests(SixLabelModelFixture model, ITestOutputHelper output) : IClassFixture<SixLabelModelFixture>
{
    [Fact]
    public void The_second_model_differs_from_the_seed_in_input_size_graph_and_label_count()
    {
        var seed = SixLabelModelFixture.Verify(RepositoryPaths.SeedModel);
        var second = SixLabelModelFixture.Verify(model.GoodDirectory);

        Assert.Equal((64, 64, 5), (seed.Manifest.Input.Width, seed.Manifest.Input.Height, seed.Manifest.Labels.Count));
        Assert.Equal((96, 96), (second.Manifest.Input.Width, second.Manifest.Input.Height));
        Assert.Equal(["car", "van", "truck", "bus", "motorcycle", "pickup"], second.Manifest.Labels);
        Assert.Equal("2.0.0", second.Manifest.Version);
        Assert.Equal(SixLabelModelFixture.Gate, second.Manifest.Gate?.MinMacroPrecision);

        var seedHead = ClassifierHead.Find(OnnxModelFile.Load(seed.ModelPath));
        var secondGraph = OnnxModelFile.Load(second.ModelPath);
        var secondHead = ClassifierHead.Find(secondGraph);
        Assert.Equal(6, secondHead.ClassCount);
        Assert.Equal(OrientedPyramidBackbone.EmbeddingName, secondHead.EmbeddingTensor);
        Assert.NotEqual(seedHead.EmbeddingDimension, secondHead.EmbeddingDimension);
        Assert.Contains(secondGraph.Graph.Node, n => n.OpType == "Concat");
        Assert.Equal(OrientedPyramidBackbone.InputName, second.Manifest.Input.TensorName);
        Assert.NotEqual(seed.Manifest.Input.TensorName, second.Manifest.Input.TensorName);
    }

    [Fact]
    public void Its_package_verifies_and_passes_its_canary_gate_with_every_label_in_the_canary_set()
    {
        var package = SixLabelModelFixture.Verify(model.GoodDirectory);
        using var session = SixLabelModelFixture.Open(package);

        var outcome = CanarySetCheck.Run(package, session);

        output.WriteLine($"canary macro precision {outcome.Metrics.MacroPrecision:F3} over {outcome.Metrics.Samples} images (gate {SixLabelModelFixture.Gate})");
        Assert.True(outcome.Passed, outcome.Problem);
        Assert.True(model.Good.Canary.Passed, "the bootstrap's own check agrees");
        foreach (var label in SixLabelModelFixture.SixLabels)
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(package.CanarySetDirectory!, label)));
    }

    [Fact]
    public void A_scrambled_head_verifies_but_fails_its_canary_gate_naming_the_gate()
    {
        var package = SixLabelModelFixture.Verify(model.ScrambledDirectory);
        using var session = SixLabelModelFixture.Open(package);

        var outcome = CanarySetCheck.Run(package, session);

        Assert.False(outcome.Passed);
        Assert.False(model.Scrambled.Canary.Passed);
        Assert.Contains("gate", outcome.Problem);
        Assert.True(outcome.Metrics.MacroPrecision < 0.3, $"scrambled canary precision {outcome.Metrics.MacroPrecision:F3}");
        Assert.Contains("SCRAMBLED", package.Manifest.Lineage.Notes);
    }

    [Fact]
    public void It_tells_pickups_from_the_other_classes_on_fresh_synthetic_crops()
    {
        var package = SixLabelModelFixture.Verify(model.GoodDirectory);
        using var session = SixLabelModelFixture.Open(package);
        using var generator = new CropGenerator(CropGeneratorOptions.ForLabels(package.Manifest.Labels));
        // A seed no bootstrap uses, crops at the generator's 96 px.
        var crops = generator.Generate(seed: 515_151, [Condition.Day], perClass: 80).ToList();
        try
        {
            var metrics = ClassifierEvaluator.Evaluate(session, crops.Select(c => c.Image).ToList(),
                crops.Select(c => (int)c.Class).ToList(), "fresh-day", "day");

            output.WriteLine($"fresh day crops: macro precision {metrics.MacroPrecision:F3}, pickup precision {metrics.Precision["pickup"]:F3}, pickup recall {metrics.Recall["pickup"]:F3}");
            Assert.True(metrics.Precision["pickup"] >= 0.85, $"pickup precision {metrics.Precision["pickup"]:F3}");
            Assert.True(metrics.Recall["pickup"] >= 0.85, $"pickup recall {metrics.Recall["pickup"]:F3}");
            Assert.True(metrics.MacroPrecision >= 0.9, $"macro precision {metrics.MacroPrecision:F3}");
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void It_classifies_pickups_cut_from_a_highway_camera_that_shows_them()
    {
        var package = SixLabelModelFixture.Verify(model.GoodDirectory);
        using var session = SixLabelModelFixture.Open(package);
        var options = new HighwaySceneOptions { Seed = 31, VehiclesPerLanePerMinute = 40, Fps = 5 }.WithClassShare(VehicleClass.Pickup, 0.25);
        using var scene = new HighwayScene(options);
        using var frame = new Mat();
        var crops = new List<Mat>();
        var truth = new List<int>();
        var seen = new HashSet<int>();
        try
        {
            // One crop per track, cut the way the agent cuts detections: fully visible vehicles of a usable size.
            for (int i = 0; i < 400; i++)
            {
                foreach (var o in scene.Next(frame).Objects)
                {
                    if (o.Visible < 0.95 || o.Box.Height < 20 || o.Box.X < 0 || o.Box.Right > frame.Width || !seen.Add(o.TrackId))
                        continue;
                    using var region = new Mat(frame, CropGeometry.SquareAround(o.Box, frame.Size()));
                    crops.Add(region.Clone());
                    truth.Add(package.Manifest.Labels.ToList().IndexOf(o.Label));
                }
            }
            var metrics = ClassifierEvaluator.Evaluate(session, crops, truth, "highway-with-pickups", "day");

            int pickups = truth.Count(t => t == (int)VehicleClass.Pickup);
            output.WriteLine($"{crops.Count} tracks ({pickups} pickups): pickup precision {metrics.Precision["pickup"]:F3}, recall {metrics.Recall["pickup"]:F3}, accuracy {metrics.Accuracy:F3}");
            Assert.True(pickups >= 10, $"only {pickups} pickup tracks");
            Assert.True(metrics.Precision["pickup"] >= 0.8, $"pickup precision {metrics.Precision["pickup"]:F3}");
            Assert.True(metrics.Recall["pickup"] >= 0.8, $"pickup recall {metrics.Recall["pickup"]:F3}");
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void The_classifier_runtime_runs_the_seed_and_the_second_model_side_by_side_on_the_same_crops()
    {
        using var seed = SixLabelModelFixture.Open(SixLabelModelFixture.Verify(RepositoryPaths.SeedModel));
        using var second = SixLabelModelFixture.Open(SixLabelModelFixture.Verify(model.GoodDirectory));
        // Crops at yet another size: each session resizes to its own input (64 and 96).
        using var generator = new CropGenerator(new CropGeneratorOptions { CropSize = 80, Classes = VehicleClasses.Known });
        var crops = VehicleClasses.Known.Select(c => generator.Generate(c, 9, Condition.Day)).ToList();
        try
        {
            var images = crops.Select(c => c.Image).ToList();
            var fromSeed = seed.Classify(images).ToArray();
            var fromSecond = second.Classify(images).ToArray();

            Assert.Equal(images.Count * 5, fromSeed.Length);
            Assert.Equal(images.Count * 6, fromSecond.Length);
            var pickupRow = fromSecond.AsSpan(5 * 6, 6);
            Assert.Equal((int)VehicleClass.Pickup, pickupRow.IndexOf(Max(pickupRow)));
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        float max = float.MinValue;
        foreach (var v in values) max = Math.Max(max, v);
        return max;
    }
}
