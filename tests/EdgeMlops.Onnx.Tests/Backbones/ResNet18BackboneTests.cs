using System.Reflection;
using System.Security.Cryptography;
using EdgeMlops.Onnx.Backbones;
using EdgeMlops.Onnx.Tests.Support;

namespace EdgeMlops.Onnx.Tests.Backbones;

/// <summary>
/// Against the real network from the restored NuGet package (the test project downloads it; see its csproj).
/// </summary>
public sealed class ResNet18BackboneTests : IDisposable
{
    private static readonly string PackagedModel = typeof(ResNet18BackboneTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18PackagedModel").Value!;

    private readonly TempDirectory directory = new("edgemlops-resnet18-");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void At_224_the_rebuilt_backbone_gives_the_packaged_networks_features()
    {
        var image = RandomImage(new Random(11), 1, ResNet18Backbone.ExportSize);
        var original = OnnxModelFile.Load(PackagedModel);
        var originalOutput = original.Graph.Output[0].Name;
        var path = directory.File("resnet18.onnx");
        ResNet18Backbone.Write(PackagedModel, path);

        var expected = OrtRunner.Run(original, ResNet18Backbone.InputName, image, [1, 3, 224, 224], originalOutput)[originalOutput];
        var actual = OrtRunner.RunFile(path, ResNet18Backbone.InputName, image, [1, 3, 224, 224], ResNet18Backbone.EmbeddingName)[ResNet18Backbone.EmbeddingName];

        Assert.Equal([1, 512, 1, 1], expected.Shape);
        Assert.Equal([1, ResNet18Backbone.EmbeddingSize], actual.Shape);
        Numerics.AssertClose(expected.Values, actual.Values, tolerance: 1e-5f);
    }

    [Fact]
    public void Each_of_the_three_edits_alone_leaves_the_output_at_224_unchanged()
    {
        var original = OnnxModelFile.Load(PackagedModel);

        var padded = original.Clone();
        var changed = CntkGraphEdits.MakeStridedPaddingSymmetric(padded);

        // The 7x7 stem, the stem's max pool, and the first convolution of stages 2-4.
        Assert.Equal(5, changed);
        var image = RandomImage(new Random(12), 1, ResNet18Backbone.ExportSize);
        var output = original.Graph.Output[0].Name;
        var expected = OrtRunner.Run(original, ResNet18Backbone.InputName, image, [1, 3, 224, 224], output)[output].Values;
        Assert.Equal(expected, OrtRunner.Run(padded, ResNet18Backbone.InputName, image, [1, 3, 224, 224], output)[output].Values);

        var pooled = original.Clone();
        CntkGraphEdits.MakeInputSizeDynamic(pooled);
        CntkGraphEdits.GlobalPoolTheOutput(pooled, ResNet18Backbone.EmbeddingSize, "features");
        Numerics.AssertClose(expected, OrtRunner.Run(pooled, ResNet18Backbone.InputName, image, [1, 3, 224, 224], "features")["features"].Values, 1e-5f);
    }

    [Theory]
    [InlineData(4, 112)]
    [InlineData(2, 97)]
    public void The_rebuilt_backbone_runs_at_other_sizes_and_batches(int batch, int size)
    {
        var path = directory.File("resnet18.onnx");
        ResNet18Backbone.Write(PackagedModel, path);

        var output = OrtRunner.RunFile(path, ResNet18Backbone.InputName, RandomImage(new Random(13), batch, size), [batch, 3, size, size],
            ResNet18Backbone.EmbeddingName)[ResNet18Backbone.EmbeddingName];

        Assert.Equal([batch, ResNet18Backbone.EmbeddingSize], output.Shape);
        Assert.All(output.Values, v => Assert.True(float.IsFinite(v) && v >= 0, $"pooled ReLU features are finite and non-negative, got {v}"));
        Assert.NotEqual(output.Row(0), output.Row(1));
    }

    [Fact]
    public void Building_twice_gives_the_same_bytes_and_the_weights_live_in_their_own_file()
    {
        ResNet18Backbone.Write(PackagedModel, directory.Combine("a.onnx"));
        var first = Sha256Of("a.onnx", ResNet18Backbone.WeightsFileName);
        ResNet18Backbone.Write(PackagedModel, directory.Combine("a.onnx"));

        Assert.Equal(first, Sha256Of("a.onnx", ResNet18Backbone.WeightsFileName));
        Assert.True(new FileInfo(directory.File("a.onnx")).Length < 64 * 1024, "the graph without its weights is a few kilobytes");
        Assert.True(new FileInfo(directory.File(ResNet18Backbone.WeightsFileName)).Length > 40_000_000, "ResNet-18 has 11 M float weights");
    }

    [Fact]
    public void A_classifier_on_the_backbone_keeps_its_head_inline_and_writes_the_backbones_weights_file_byte_for_byte()
    {
        var backbone = ResNet18Backbone.Build(PackagedModel);
        var random = new Random(14);
        var classifier = ClassifierHead.Attach(backbone, Numerics.RandomMatrix(random, 5, ResNet18Backbone.EmbeddingSize), Numerics.RandomValues(random, 5));
        Directory.CreateDirectory(directory.File("backbone"));
        Directory.CreateDirectory(directory.File("classifier"));

        ResNet18Backbone.WriteWithWeightsApart(backbone, backbone, directory.Combine("backbone", "model.onnx"));
        var written = ResNet18Backbone.WriteWithWeightsApart(classifier, backbone, directory.Combine("classifier", "model.onnx"));

        Assert.Equal(File.ReadAllBytes(directory.Combine("backbone", ResNet18Backbone.WeightsFileName)),
            File.ReadAllBytes(directory.Combine("classifier", ResNet18Backbone.WeightsFileName)));
        Assert.All(written.Graph.Initializer.Where(t => t.Name.StartsWith("head.", StringComparison.Ordinal)), t => Assert.False(ExternalData.IsExternal(t)));
        Assert.Equal(ResNet18Backbone.EmbeddingName, ClassifierHead.Find(OnnxModelFile.LoadWithExternalData(directory.Combine("classifier", "model.onnx"))).EmbeddingTensor);
    }

    private (string Model, string Weights) Sha256Of(string model, string weights) =>
        (Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(directory.File(model)))),
         Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(directory.File(weights)))));

    /// <summary>BGR pixels minus roughly the network's means: the range its first layer expects.</summary>
    private static float[] RandomImage(Random random, int batch, int size) =>
        Enumerable.Range(0, batch * 3 * size * size).Select(_ => (float)(random.NextDouble() * 255 - 115)).ToArray();
}
