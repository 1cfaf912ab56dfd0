using EdgeMlops.Inference.Preprocessing;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace EdgeMlops.Inference.Runtime;

/// <summary>
/// One ONNX Runtime session for an image classifier with its input and output buffers allocated once for the
/// largest batch. Not thread-safe: one instance per consuming thread (the edge runs one batcher per accelerator).
/// </summary>
public sealed class ClassifierSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    // One writer per preprocessing worker: each owns its scratch Mats, so workers never share state.
    private readonly CropTensorWriter[] _writers;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue?[] _inputValues;
    private readonly OrtValue?[] _outputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputArgument = new OrtValue[1];
    private readonly OrtValue[] _outputArgument = new OrtValue[1];
    private bool _disposed;

    private ClassifierSession(InferenceSession session, ClassifierSignature signature, int maxBatch, ExecutionProviderSelection providers)
    {
        _session = session;
        Signature = signature;
        MaxBatchSize = maxBatch;
        Providers = providers;
        _writers = Enumerable.Range(0, PreprocessingWorkers).Select(_ => new CropTensorWriter(signature.Format)).ToArray();
        _input = new float[maxBatch * signature.Format.ValuesPerImage];
        _output = new float[maxBatch * signature.Labels.Count];
        _inputValues = new OrtValue?[maxBatch + 1];
        _outputValues = new OrtValue?[maxBatch + 1];
        _inputNames = [signature.InputTensor];
        _outputNames = [signature.OutputTensor];
    }

    /// <summary>Below this many crops, splitting preprocessing across threads costs more than it saves.</summary>
    private const int ParallelPreprocessingThreshold = 8;

    private static int PreprocessingWorkers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    public ClassifierSignature Signature { get; }
    public int MaxBatchSize { get; }
    public ExecutionProviderSelection Providers { get; }
    public int LabelCount => Signature.Labels.Count;

    /// <summary>Loads <paramref name="modelPath"/>, checks it against <paramref name="signature"/>, and warms it up.</summary>
    public static ClassifierSession Create(string modelPath, ClassifierSignature signature, ClassifierRuntimeOptions options, ILogger logger)
    {
        options.Validate();
        using var sessionOptions = CreateSessionOptions(options);
        var providers = new ExecutionProviderSelector(logger).Apply(sessionOptions, options, signature.ModelSha256);

        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ClassifierLoadException($"Model '{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }

        try
        {
            CheckSignature(session, signature, modelPath);
            var classifier = new ClassifierSession(session, signature, options.MaxBatchSize, providers);
            if (options.WarmUp)
                classifier.RunPrefilled(1);
            logger.LogInformation(
                "Loaded classifier {Model} {Version} ({Labels} labels, input {Width}x{Height}) on {Provider}, max batch {MaxBatch}",
                signature.ModelName, signature.ModelVersion, signature.Labels.Count, signature.Format.Width, signature.Format.Height,
                providers.Selected, options.MaxBatchSize);
            return classifier;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The CPU-side session settings every classifier session uses (providers are appended separately).
    /// Public so that benchmarks measure the bare ONNX Runtime limit under the same settings.
    /// </summary>
    public static SessionOptions CreateSessionOptions(ClassifierRuntimeOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // Spinning intra-op threads would keep the cores busy after each run, starving the preprocessing of the
        // next batch (and, on the box, the decoders) for no gain at these batch sizes.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return sessionOptions;
    }

    /// <summary>
    /// Classifies up to <see cref="MaxBatchSize"/> crops. Returns probabilities row by row (crop i's label j at
    /// i * LabelCount + j); the span is only valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Classify(IReadOnlyList<Mat> crops)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = crops.Count;
        if (n == 0) return ReadOnlySpan<float>.Empty;
        if (n > MaxBatchSize)
            throw new ArgumentException($"Batch of {n} crops exceeds the session's maximum of {MaxBatchSize}.", nameof(crops));
        if (n < ParallelPreprocessingThreshold || _writers.Length == 1)
        {
            for (int i = 0; i < n; i++)
                _writers[0].Write(crops[i], _input, i);
        }
        else
        {
            // ONNX Runtime's threads are idle while a batch is being prepared, so the cores are free for this.
            Parallel.For(0, _writers.Length, worker =>
            {
                for (int i = worker; i < n; i += _writers.Length)
                    _writers[worker].Write(crops[i], _input, i);
            });
        }
        return RunPrefilled(n);
    }

    /// <summary>
    /// Runs the graph on the first <paramref name="n"/> images already in the input buffer. The tensors wrap the
    /// session's own arrays (pinned by OrtValue), one pair per batch size, created on first use.
    /// </summary>
    private ReadOnlySpan<float> RunPrefilled(int n)
    {
        _inputArgument[0] = _inputValues[n] ??= OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * Signature.Format.ValuesPerImage),
            [n, Signature.Format.Channels, Signature.Format.Height, Signature.Format.Width]);
        _outputArgument[0] = _outputValues[n] ??= OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, n * LabelCount), [n, LabelCount]);
        _session.Run(_runOptions, _inputNames, _inputArgument, _outputNames, _outputArgument);

        var probabilities = _output.AsSpan(0, n * LabelCount);
        if (Signature.OutputIsLogits)
            for (int i = 0; i < n; i++)
                Softmax.InPlace(probabilities.Slice(i * LabelCount, LabelCount));
        return probabilities;
    }

    private static void CheckSignature(InferenceSession session, ClassifierSignature signature, string modelPath)
    {
        if (!session.InputMetadata.TryGetValue(signature.InputTensor, out var input))
            throw new ClassifierLoadException(
                $"Model '{modelPath}' has no input '{signature.InputTensor}' (inputs: {string.Join(", ", session.InputMetadata.Keys)}).");
        var format = signature.Format;
        int[] expected = [-1, format.Channels, format.Height, format.Width];
        var dims = input.Dimensions;
        if (dims.Length != 4 || Enumerable.Range(1, 3).Any(i => dims[i] > 0 && dims[i] != expected[i]))
            throw new ClassifierLoadException(
                $"Model '{modelPath}' input '{signature.InputTensor}' has shape [{string.Join(",", dims)}], manifest says NCHW [N,{format.Channels},{format.Height},{format.Width}].");

        if (!session.OutputMetadata.TryGetValue(signature.OutputTensor, out var output))
            throw new ClassifierLoadException(
                $"Model '{modelPath}' has no output '{signature.OutputTensor}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)}).");
        var outDims = output.Dimensions;
        if (outDims.Length != 2 || (outDims[1] > 0 && outDims[1] != signature.Labels.Count))
            throw new ClassifierLoadException(
                $"Model '{modelPath}' output '{signature.OutputTensor}' has shape [{string.Join(",", outDims)}] but the manifest lists {signature.Labels.Count} labels.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var value in _inputValues) value?.Dispose();
        foreach (var value in _outputValues) value?.Dispose();
        foreach (var writer in _writers) writer.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
