using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using OpenCvSharp;

namespace EdgeMlops.Inference.Tests.Runtime;

/// <summary>Preprocessing inside the graph and pipelined classification give what the host path gives.</summary>
public sealed class PreprocessingPlacementTests : IDisposable
{
    private static readonly string[] Labels = ["a", "b", "c"];
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemlops-placement-").FullName;

    private string WriteModel(int channels = 3, int size = 16)
    {
        var rng = new Random(5);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var g = new GraphBuilder();
        var x = g.Input("image", channels, size, size);
        x = g.Relu(g.Conv(x, Random(4 * channels * 3 * 3), [4, channels, 3, 3], Random(4), pads: [1, 1, 1, 1]));
        x = g.Flatten(g.GlobalAveragePool(x));
        x = g.Softmax(g.Gemm(x, Random(3 * 4).Select(v => v * 8).ToArray(), Random(3)), axis: 1, name: "probabilities");
        var path = Path.Combine(_dir, $"model-{Guid.NewGuid():N}.onnx");
        OnnxModelFile.Save(g.Output(x, 3).Build(), path);
        return path;
    }

    private static ClassifierSignature Signature(int channels = 3, int size = 16, bool rgb = true) => channels == 3
        ? new("test", "1", "abc", Labels, "image", new ImageTensorFormat(size, size, 3, rgb, 1f / 255, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]), "probabilities", false)
        : new("test", "1", "abc", Labels, "image", new ImageTensorFormat(size, size, 1, false, 1f / 255, [0.5f], [0.25f]), "probabilities", false);

    private static ClassifierSession Open(string path, ClassifierSignature signature, PreprocessingPlacement placement, int maxBatch = 16) =>
        ClassifierSession.Create(path, signature,
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = maxBatch, Preprocessing = placement }, new CapturingLogger());

    /// <summary>Crops of every kind the runtime takes: shrunk and enlarged, 2x shrunk (area), exact size, BGRA, grey.</summary>
    private static List<Mat> Crops(int n)
    {
        var rng = new Random(9);
        return Enumerable.Range(0, n).Select(i =>
        {
            var (h, w) = (i % 4) switch { 0 => (16, 16), 1 => (40, 48), 2 => (10 + rng.Next(30), 10 + rng.Next(30)), _ => (20, 12) };
            var type = (i % 5) switch { 3 => MatType.CV_8UC4, 4 => MatType.CV_8UC1, _ => MatType.CV_8UC3 };
            var m = new Mat(h, w, type);
            Cv2.Randu(m, Scalar.All(0), Scalar.All(255));
            return m;
        }).ToList();
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(1, false)]
    public void Graph_preprocessing_gives_the_host_paths_probabilities(int channels, bool rgb)
    {
        var path = WriteModel(channels);
        using var host = Open(path, Signature(channels, rgb: rgb), PreprocessingPlacement.Host);
        using var graph = Open(path, Signature(channels, rgb: rgb), PreprocessingPlacement.Graph);
        var crops = Crops(16);

        var expected = host.Classify(crops).ToArray();
        var actual = graph.Classify(crops).ToArray();

        Assert.Equal(PreprocessingPlacement.Host, host.Preprocessing);
        Assert.Equal(PreprocessingPlacement.Graph, graph.Preprocessing);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void Auto_keeps_preprocessing_on_the_host_on_CPU()
    {
        using var session = Open(WriteModel(), Signature(), PreprocessingPlacement.Auto);

        Assert.Equal(PreprocessingPlacement.Host, session.Preprocessing);
        Assert.Null(session.PreprocessingNote);
        Assert.False(session.HostBuffersPageLocked);
    }

    [Fact]
    public void Graph_placement_for_a_model_whose_input_disagrees_with_the_manifest_is_a_load_error_naming_the_input()
    {
        var path = WriteModel(size: 16);

        var error = Assert.Throws<ClassifierLoadException>(() => Open(path, Signature(size: 24), PreprocessingPlacement.Graph));

        Assert.Contains(path, error.Message);
        Assert.Contains("'image'", error.Message);
    }

    [Fact]
    public void Graph_placement_with_a_wrong_output_name_reports_the_signature_error_itself()
    {
        var signature = Signature() with { OutputTensor = "scores" };

        var error = Assert.Throws<ClassifierLoadException>(() => Open(WriteModel(), signature, PreprocessingPlacement.Graph));

        Assert.Contains("no output 'scores'", error.Message);
        Assert.DoesNotContain("fused", error.Message);
    }

    [Theory]
    [InlineData(PreprocessingPlacement.Host)]
    [InlineData(PreprocessingPlacement.Graph)]
    public void Pipelined_batches_come_back_in_order_with_what_Classify_gives(PreprocessingPlacement placement)
    {
        using var session = Open(WriteModel(), Signature(), placement);
        var crops = Crops(40);
        var batches = new List<IReadOnlyList<Mat>> { crops[..16], crops[16..17], crops[17..17], crops[17..33], crops[33..] };
        var expected = batches.Select(b => session.Classify(b).ToArray()).ToList();
        var seen = new List<(int Index, IReadOnlyList<Mat> Crops, float[] P)>();

        int count = session.ClassifyPipelined(batches, (index, batch, p) => seen.Add((index, batch, p.ToArray())));

        Assert.Equal(batches.Count, count);
        Assert.Equal(Enumerable.Range(0, batches.Count), seen.Select(s => s.Index));
        for (int k = 0; k < batches.Count; k++)
        {
            Assert.Same(batches[k], seen[k].Crops);
            Assert.Equal(expected[k], seen[k].P);
        }
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void A_pipelined_batch_that_is_too_large_fails_the_call_after_the_batches_before_it()
    {
        using var session = Open(WriteModel(), Signature(), PreprocessingPlacement.Host, maxBatch: 4);
        var crops = Crops(9);
        var done = new List<int>();

        var error = Assert.Throws<ArgumentException>(() =>
            session.ClassifyPipelined([crops[..4], crops[4..9]], (index, _, _) => done.Add(index)));

        Assert.Contains("5 crops", error.Message);
        Assert.Equal([0], done);
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public void An_exception_from_the_handler_reaches_the_caller_and_the_session_stays_usable()
    {
        using var session = Open(WriteModel(), Signature(), PreprocessingPlacement.Graph);
        var crops = Crops(8);

        Assert.Throws<InvalidOperationException>(() =>
            session.ClassifyPipelined([crops[..4], crops[4..]], (_, _, _) => throw new InvalidOperationException("handler")));
        var p = session.Classify(crops).ToArray();

        Assert.Equal(8 * 3, p.Length);
        crops.ForEach(c => c.Dispose());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
