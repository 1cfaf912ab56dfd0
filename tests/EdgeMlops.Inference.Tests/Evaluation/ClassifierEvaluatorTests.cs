using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using OpenCvSharp;

namespace EdgeMlops.Inference.Tests.Evaluation;

public sealed class ClassifierEvaluatorTests : IDisposable
{
    private static readonly string[] Labels = ["a", "b", "c"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ClassifierSession Session(int maxBatch)
    {
        var rng = new Random(5);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var g = new GraphBuilder();
        var x = g.Input("image", 3, 16, 16);
        x = g.Relu(g.Conv(x, Random(4 * 3 * 3 * 3), [4, 3, 3, 3], Random(4), pads: [1, 1, 1, 1]));
        x = g.Flatten(g.GlobalAveragePool(x));
        x = g.Gemm(x, Random(3 * 4).Select(v => v * 8).ToArray(), Random(3));
        x = g.Softmax(x, axis: 1, name: "probabilities");
        var path = _dir.File("model.onnx");
        OnnxModelFile.Save(g.Output(x, 3).Build(), path);
        var signature = new ClassifierSignature("test", "1", "abc", Labels, "image",
            new ImageTensorFormat(16, 16, 3, true, 1f / 255, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), "probabilities", false);
        return ClassifierSession.Create(path, signature, new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = maxBatch },
            new CapturingLogger());
    }

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
    public void A_set_larger_than_one_batch_scores_every_crop_as_classified_one_by_one()
    {
        using var session = Session(maxBatch: 4);
        var crops = Crops(11); // three batches, the last one partial
        try
        {
            var predicted = crops.Select(c => ConfusionMatrix.ArgMax(session.Classify([c]))).ToList();
            var truth = Enumerable.Range(0, crops.Count).Select(i => i % Labels.Length).ToList();
            var expected = new ConfusionMatrix(Labels);
            for (int i = 0; i < crops.Count; i++) expected.Add(truth[i], predicted[i]);

            var metrics = ClassifierEvaluator.Evaluate(session, crops, truth, "canary", "day");

            Assert.Equal(("canary", "day", 11), (metrics.Set, metrics.Condition, metrics.Samples));
            Assert.Equal(Math.Round(expected.Accuracy, 4), metrics.Accuracy);
            Assert.Equal(Math.Round(expected.MacroPrecision, 4), metrics.MacroPrecision);
            Assert.Equal(Math.Round(expected.MacroRecall, 4), metrics.MacroRecall);
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void A_truth_list_of_another_length_than_the_crops_is_refused()
    {
        using var session = Session(maxBatch: 4);
        var crops = Crops(2);
        try
        {
            Assert.Throws<ArgumentException>(() => ClassifierEvaluator.Evaluate(session, crops, [0], "canary", null));
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Metrics_are_rounded_to_four_places_and_name_only_labels_that_occur()
    {
        var matrix = new ConfusionMatrix(Labels);
        matrix.Add(0, 0); matrix.Add(0, 0); matrix.Add(0, 1); matrix.Add(1, 1);

        var metrics = ClassifierEvaluator.ToMetrics(matrix, "set", null);

        Assert.Equal(4, metrics.Samples);
        Assert.Equal(0.75, metrics.Accuracy);
        Assert.Equal(0.6667, metrics.Recall["a"]);
        Assert.Equal(0.5, metrics.Precision["b"]);
    }
}
