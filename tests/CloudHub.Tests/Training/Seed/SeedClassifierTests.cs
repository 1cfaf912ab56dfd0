using EdgeMlops.Inference.Evaluation;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Training.Seed;

public sealed class SeedClassifierTests
{
    private static VerifiedModelPackage BundledSeed() =>
        ModelPackageVerifier.Verify(RepositoryPaths.SeedModel, TrustedKeys.FromDirectory(RepositoryPaths.Keys));

    [Fact]
    public void Bundled_seed_model_reaches_the_day_precision_bound_on_a_fresh_synthetic_set()
    {
        var package = BundledSeed();
        using var session = ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"] }, NullLogger.Instance);
        using var generator = new CropGenerator();
        // A seed no bootstrap uses (training 7, held-out sets 7 + k * 1_000_003, canary 77_000_008).
        var crops = generator.Generate(seed: 424_242, [Condition.Parse("day")], perClass: 120).ToList();
        try
        {
            var truth = crops.Select(c => (int)c.Class).ToList();
            var metrics = ClassifierEvaluator.Evaluate(session, crops.Select(c => c.Image).ToList(), truth, "fresh-day", "day");

            Assert.True(metrics.MacroPrecision >= 0.90, $"macro precision {metrics.MacroPrecision:F3} on fresh day crops is under 0.90");
            Assert.Equal(600, metrics.Samples);
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Bundled_seed_manifest_reports_every_condition_and_day_above_the_bound()
    {
        var manifest = BundledSeed().Manifest;

        Assert.Equal(["day", "dusk", "night", "rain", "fog"], manifest.Metrics.Select(m => m.Condition));
        Assert.True(manifest.Metrics.Single(m => m.Condition == "day").MacroPrecision >= 0.90);
        Assert.All(manifest.Metrics, m => Assert.True(m.Samples >= 500));
        Assert.NotNull(manifest.Lineage.TrainingDataHash);
    }

    [Fact]
    public void Seed_model_exposes_its_head_to_the_retraining_hook()
    {
        var model = OnnxModelFile.Load(BundledSeed().ModelPath);

        var head = ClassifierHead.Find(model);

        Assert.Equal(HogFeatureExtractor.EmbeddingName, head.EmbeddingTensor);
        Assert.Equal(HogFeatureExtractor.EmbeddingSize, head.EmbeddingDimension);
        Assert.Equal(5, head.ClassCount);
        Assert.True(head.HasSoftmax);
    }

    [Fact]
    public void Bootstrap_with_the_same_seed_reproduces_metrics_and_model_bytes()
    {
        using var temp = new TempDirectory();
        using var key = SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));
        var options = new SeedBootstrapOptions { Seed = 11, TrainPerClass = 80, EvaluationPerClass = 30, EvaluationConditions = ["day", "fog"] };
        var bootstrap = new SeedClassifierBootstrap(NullLogger.Instance);

        var first = bootstrap.Run(options, temp.File("a"), key, overwrite: false);
        var second = bootstrap.Run(options, temp.File("b"), key, overwrite: false);

        Assert.Equal(first.Manifest.Metrics, second.Manifest.Metrics, MetricsComparer.Instance);
        Assert.Equal(File.ReadAllBytes(temp.File("a/model.onnx")), File.ReadAllBytes(temp.File("b/model.onnx")));
        // And the package it wrote verifies with the trusted development key.
        Assert.Equal("vehicle-classifier", ModelPackageVerifier.Verify(temp.File("a"), TrustedKeys.FromDirectory(RepositoryPaths.Keys)).Manifest.Name);
    }

    private sealed class MetricsComparer : IEqualityComparer<EvaluationMetrics>
    {
        public static readonly MetricsComparer Instance = new();
        public bool Equals(EvaluationMetrics? a, EvaluationMetrics? b) =>
            a is not null && b is not null && a.Set == b.Set && a.Samples == b.Samples && a.MacroPrecision == b.MacroPrecision
            && a.Accuracy == b.Accuracy && a.Precision.OrderBy(p => p.Key).SequenceEqual(b.Precision.OrderBy(p => p.Key));
        public int GetHashCode(EvaluationMetrics m) => m.Set.GetHashCode(StringComparison.Ordinal);
    }
}
