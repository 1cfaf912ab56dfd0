using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeMlops.Inference.Tests.Runtime;

/// <summary>The bundled seed classifier gives the same answers with preprocessing in the graph as on the host.</summary>
public sealed class SeedModelAgreementTests(ITestOutputHelper output)
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "models", "vehicle-classifier", "manifest.json")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No models/vehicle-classifier above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void Seed_model_probabilities_agree_between_host_and_graph_preprocessing_on_256_crops()
    {
        var root = RepositoryRoot();
        var package = ModelPackageVerifier.Verify(Path.Combine(root, "models", "vehicle-classifier"), TrustedKeys.FromDirectory(Path.Combine(root, "models", "keys")));
        var signature = ClassifierSignature.FromPackage(package);
        using var generator = new CropGenerator();
        var conditions = new[] { "day", "dusk", "night", "rain", "fog" }.Select(Condition.Parse).ToList();
        var crops = generator.Generate(seed: 4242, conditions, perClass: 11).Select(c => c.Image).Take(256).ToList();
        ClassifierSession Open(PreprocessingPlacement placement) => ClassifierSession.Create(package.ModelPath, signature,
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = 32, Preprocessing = placement }, NullLogger.Instance);
        using var host = Open(PreprocessingPlacement.Host);
        using var graph = Open(PreprocessingPlacement.Graph);

        var expected = crops.Chunk(32).SelectMany(b => host.Classify(b).ToArray()).ToArray();
        var actual = new List<float>();
        graph.ClassifyPipelined(crops.Chunk(32), (_, _, p) => actual.AddRange(p.ToArray()));

        int labels = signature.Labels.Count, agree = 0;
        float maxDiff = 0;
        for (int i = 0; i < crops.Count; i++)
        {
            var e = expected.AsSpan(i * labels, labels);
            var a = actual.ToArray().AsSpan(i * labels, labels);
            if (e.IndexOf(MaxOf(e)) == a.IndexOf(MaxOf(a))) agree++;
            for (int j = 0; j < labels; j++) maxDiff = Math.Max(maxDiff, Math.Abs(e[j] - a[j]));
        }
        output.WriteLine($"{crops.Count} crops: argmax agreement {agree}/{crops.Count}, max |diff| {maxDiff:G3}");
        Assert.Equal(256, crops.Count);
        Assert.Equal(crops.Count, agree);
        Assert.InRange(maxDiff, 0f, 1e-4f);
        crops.ForEach(c => c.Dispose());
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.MinValue;
        foreach (var v in values) max = Math.Max(max, v);
        return max;
    }
}
