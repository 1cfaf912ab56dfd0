using EdgeMlops.CloudHub.Training;
using EdgeMlops.CloudHub.Training.Backbones;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using EdgeMlops.Onnx.Backbones;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Training.Backbones;

public sealed class ResNet18BootstrapTests
{
    // At 64x64 and a few crops per class: these tests are about packaging and loading, not accuracy.
    private static readonly SeedBootstrapOptions Small =
        new() { TrainPerClass = 16, EvaluationPerClass = 10, CanaryPerClass = 1, EvaluationConditions = ["day"] };

    private static SeedBootstrapResult Bootstrap(SeedBootstrapOptions options, string outputDirectory)
    {
        using var key = SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));
        var backbone = new ResNet18ClassifierBackbone(ResNet18Backbone.PackagedModelPath(), inputSize: 64);
        return new ClassifierBootstrap(NullLogger.Instance).Run(backbone, options, outputDirectory, key, overwrite: false);
    }

    [Fact]
    public void Two_heads_on_resnet18_are_signed_packages_that_share_the_weights_file_and_differ_in_a_small_model_file()
    {
        using var temp = new TempDirectory();

        var first = Bootstrap(Small with { Seed = 1 }, temp.File("a"));
        var second = Bootstrap(Small with { Seed = 2 }, temp.File("b"));

        var trusted = TrustedKeys.FromDirectory(RepositoryPaths.Keys);
        var package = ModelPackageVerifier.Verify(temp.File("a"), trusted);
        ModelPackageVerifier.Verify(temp.File("b"), trusted);
        Assert.Contains(first.Manifest.Files, f => f.Path == ResNet18Backbone.WeightsFileName);
        Assert.Equal(File.ReadAllBytes(temp.File(Path.Combine("a", ResNet18Backbone.WeightsFileName))), File.ReadAllBytes(temp.File(Path.Combine("b", ResNet18Backbone.WeightsFileName))));
        Assert.NotEqual(File.ReadAllBytes(temp.File(Path.Combine("a", "model.onnx"))), File.ReadAllBytes(temp.File(Path.Combine("b", "model.onnx"))));
        Assert.True(new FileInfo(temp.File(Path.Combine("a", "model.onnx"))).Length < 64 * 1024, "the head and the graph, without the backbone's weights");

        Assert.Equal(64, package.Manifest.Input.Width);
        Assert.Equal(ColorOrder.Bgr, package.Manifest.Input.ColorOrder);
        Assert.Equal(ResNet18Backbone.EmbeddingName, ClassifierHead.Find(OnnxModelFile.LoadWithExternalData(package.ModelPath)).EmbeddingTensor);
        // Measured through the edge's runtime, which loads the model with its weights file from the package.
        var day = Assert.Single(first.Manifest.Metrics);
        Assert.Equal(50, day.Samples);
        Assert.True(day.MacroPrecision > 0.4, $"day macro precision {day.MacroPrecision:F3} is no better than chance (0.2) by a margin");
        Assert.NotEqual(first.Manifest.Lineage.TrainingDataHash, second.Manifest.Lineage.TrainingDataHash);
    }

    [Fact]
    public void The_edge_runtime_can_take_a_resnet18_packages_preprocessing_into_the_graph()
    {
        using var temp = new TempDirectory();
        Bootstrap(Small, temp.File("p"));
        var package = ModelPackageVerifier.Verify(temp.File("p"), TrustedKeys.FromDirectory(RepositoryPaths.Keys));

        // The fused graph is loaded from bytes, so the weights file must have been read into it; at load the
        // session also checks that the graph's preprocessing (BGR, means) equals the host's.
        using var session = ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], Preprocessing = PreprocessingPlacement.Graph }, NullLogger.Instance);

        Assert.Equal(PreprocessingPlacement.Graph, session.Preprocessing);
    }
}
