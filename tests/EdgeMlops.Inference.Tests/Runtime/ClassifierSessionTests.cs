using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using OpenCvSharp;

namespace EdgeMlops.Inference.Tests.Runtime;

public sealed class ClassifierSessionTests : IDisposable
{
    private static readonly string[] Labels = ["a", "b", "c"];
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemlops-session-").FullName;

    /// <summary>A small CNN with seeded weights: conv -> relu -> global pool -> gemm -> softmax, named tensors.</summary>
    private string WriteModel(bool softmax = true)
    {
        var rng = new Random(5);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var g = new GraphBuilder();
        var x = g.Input("image", 3, 16, 16);
        x = g.Relu(g.Conv(x, Random(4 * 3 * 3 * 3), [4, 3, 3, 3], Random(4), pads: [1, 1, 1, 1]));
        x = g.Flatten(g.GlobalAveragePool(x));
        x = g.Gemm(x, Random(3 * 4).Select(v => v * 8).ToArray(), Random(3));
        if (softmax) x = g.Softmax(x, axis: 1, name: "probabilities");
        var path = Path.Combine(_dir, $"model-{Guid.NewGuid():N}.onnx");
        OnnxModelFile.Save(g.Output(x, 3).Build(), path);
        return path;
    }

    private static ClassifierSignature Signature(string output = "probabilities", bool logits = false, string[]? labels = null) =>
        new("test", "1", "abc", labels ?? Labels, "image", new ImageTensorFormat(16, 16, 3, true, 1f / 255, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), output, logits);

    private static ClassifierSession Open(string path, ClassifierSignature signature, int maxBatch = 16) =>
        ClassifierSession.Create(path, signature, new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = maxBatch }, new CapturingLogger());

    private static List<Mat> Crops(int n)
    {
        var rng = new Random(9);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var m = new Mat(24 + rng.Next(40), 24 + rng.Next(40), MatType.CV_8UC3);
            Cv2.Randu(m, Scalar.All(0), Scalar.All(255));
            return m;
        }).ToList();
    }

    [Fact]
    public void Probabilities_per_crop_sum_to_one()
    {
        using var session = Open(WriteModel(), Signature());
        var crops = Crops(5);

        var p = session.Classify(crops).ToArray();

        Assert.Equal(15, p.Length);
        for (int i = 0; i < 5; i++) Assert.Equal(1f, p.AsSpan(i * 3, 3).ToArray().Sum(), 4);
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_batch_prepared_in_parallel_equals_the_crops_classified_one_by_one()
    {
        using var session = Open(WriteModel(), Signature());
        var crops = Crops(16);

        var together = session.Classify(crops).ToArray();
        var alone = crops.SelectMany(c => session.Classify([c]).ToArray()).ToArray();

        Assert.Equal(alone.Length, together.Length);
        for (int i = 0; i < alone.Length; i++) Assert.Equal(alone[i], together[i], 5);
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void Logit_outputs_are_turned_into_probabilities()
    {
        var path = WriteModel(softmax: false);
        var logitsName = OnnxModelFile.Load(path).Graph.Output[0].Name;
        using var session = Open(path, Signature(logitsName, logits: true));
        var crops = Crops(2);

        var p = session.Classify(crops).ToArray();

        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(2f, p.Sum(), 4);
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_batch_larger_than_the_session_was_prepared_for_is_refused()
    {
        using var session = Open(WriteModel(), Signature(), maxBatch: 2);
        var crops = Crops(3);

        Assert.Throws<ArgumentException>(() => session.Classify(crops).ToArray());
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_manifest_with_the_wrong_label_count_is_a_load_error_naming_the_model()
    {
        var path = WriteModel();

        var error = Assert.Throws<ClassifierLoadException>(() => Open(path, Signature(labels: ["a", "b"])));

        Assert.Contains(path, error.Message);
        Assert.Contains("2 labels", error.Message);
    }

    [Fact]
    public void A_manifest_naming_a_missing_output_is_a_load_error()
    {
        var error = Assert.Throws<ClassifierLoadException>(() => Open(WriteModel(), Signature(output: "scores")));

        Assert.Contains("no output 'scores'", error.Message);
    }

    [Fact]
    public void A_corrupt_model_file_is_a_load_error_naming_it()
    {
        var path = Path.Combine(_dir, "corrupt.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);

        var error = Assert.Throws<ClassifierLoadException>(() => Open(path, Signature()));

        Assert.Contains(path, error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
