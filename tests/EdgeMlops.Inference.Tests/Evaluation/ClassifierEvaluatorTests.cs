using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using Microsoft.Extensions.Logging.Testing;
using OpenCvSharp;

namespace EdgeMlops.Inference.Tests.Evaluation;

public sealed class ClassifierEvaluatorTests : IDisposable
{
    private static readonly string[] Colours = ["red", "green", "blue"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A classifier that names a crop by its strongest colour channel: mean colour, scaled, softmax.</summary>
    private ClassifierSession ColourClassifier(int maxBatch)
    {
        var g = new GraphBuilder();
        var x = g.Flatten(g.GlobalAveragePool(g.Input("image", 3, 8, 8)));
        x = g.Softmax(g.Gemm(x, [20, 0, 0, 0, 20, 0, 0, 0, 20], [0, 0, 0]), axis: 1, name: "probabilities");
        var path = _dir.File("colours.onnx");
        OnnxModelFile.Save(g.Output(x, 3).Build(), path);
        var signature = new ClassifierSignature("colours", "1", "abc", Colours, "image",
            new ImageTensorFormat(8, 8, 3, rgb: true, 1f / 255, [0, 0, 0], [1, 1, 1]), "probabilities", false);
        return ClassifierSession.Create(path, signature, new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = maxBatch },
            new FakeLogger());
    }

    private static Mat Solid(string colour) => new(12, 12, MatType.CV_8UC3, colour switch
    {
        "red" => new Scalar(0, 0, 230),
        "green" => new Scalar(0, 230, 0),
        _ => new Scalar(230, 0, 0),
    });

    [Fact]
    public void A_set_larger_than_one_batch_is_scored_crop_by_crop_against_its_truth()
    {
        using var session = ColourClassifier(maxBatch: 4);
        // Eleven crops, three batches (the last partial); two of them labelled wrongly on purpose.
        var shown = new[] { "red", "green", "blue", "red", "green", "blue", "red", "green", "blue", "red", "green" };
        var labelled = (string[])shown.Clone();
        labelled[4] = "red";
        labelled[9] = "blue";
        var crops = shown.Select(Solid).ToList();
        try
        {
            var metrics = ClassifierEvaluator.Evaluate(session, crops, labelled.Select(l => Array.IndexOf(Colours, l)).ToList(), "canary", "day");

            Assert.Equal(("canary", "day", 11), (metrics.Set, metrics.Condition, metrics.Samples));
            Assert.Equal(Math.Round(9.0 / 11, 4), metrics.Accuracy);
            Assert.Equal(0.75, metrics.Recall["red"]);   // 3 of the 4 labelled red were red
            Assert.Equal(0.75, metrics.Precision["red"]); // 3 of the 4 predicted red were labelled red
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void A_truth_list_of_another_length_than_the_crops_is_refused()
    {
        using var session = ColourClassifier(maxBatch: 4);
        var crops = new List<Mat> { Solid("red"), Solid("blue") };
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
        var matrix = new ConfusionMatrix(Colours);
        matrix.Add(0, 0); matrix.Add(0, 0); matrix.Add(0, 1); matrix.Add(1, 1);

        var metrics = ClassifierEvaluator.ToMetrics(matrix, "set", null);

        Assert.Equal(4, metrics.Samples);
        Assert.Equal(0.75, metrics.Accuracy);
        Assert.Equal(0.6667, metrics.Recall["red"]);
        Assert.Equal(0.5, metrics.Precision["green"]);
        Assert.False(metrics.Recall.ContainsKey("blue"));
    }
}
