using EdgeMlops.Inference.Preprocessing;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// Runs a graph that outputs an embedding (the input of a classifier's last layer) over crops, preprocessed
/// exactly as the edge's classifier runtime does it, so heads are trained on the features they will see.
/// </summary>
public sealed class EmbeddingExtractor : IDisposable
{
    private const int BatchSize = 64;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly CropTensorWriter _writer;
    private readonly string _inputName;
    private readonly string _embeddingName;

    public EmbeddingExtractor(byte[] model, string inputName, string embeddingName, ImageTensorFormat format, int threads = 0)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };
        _session = new InferenceSession(model, options);
        _writer = new CropTensorWriter(format);
        _inputName = inputName;
        _embeddingName = embeddingName;
    }

    public List<float[]> Extract(IReadOnlyList<Mat> crops, IProgress<int>? progress = null)
    {
        var format = _writer.Format;
        var result = new List<float[]>(crops.Count);
        var buffer = new float[BatchSize * format.ValuesPerImage];
        for (int start = 0; start < crops.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, crops.Count - start);
            for (int i = 0; i < n; i++) _writer.Write(crops[start + i], buffer, i);
            using var input = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, n * format.ValuesPerImage), [n, format.Channels, format.Height, format.Width]);
            using var outputs = _session.Run(_runOptions, [_inputName], [input], [_embeddingName]);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            int dim = values.Length / n;
            for (int i = 0; i < n; i++) result.Add(values.Slice(i * dim, dim).ToArray());
            progress?.Report(result.Count);
        }
        return result;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
        _writer.Dispose();
    }
}
