using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

namespace EdgeMlops.Inference.Runtime;

/// <summary>Receives one classified batch of <see cref="ClassifierSession.ClassifyPipelined"/>; the span is valid only during the call.</summary>
public delegate void ClassifiedBatchHandler(int index, IReadOnlyList<Mat> crops, ReadOnlySpan<float> probabilities);

/// <summary>
/// One ONNX Runtime session for an image classifier with its input and output buffers allocated once for the
/// largest batch. Not thread-safe: one instance per consuming thread (the edge runs one batcher per accelerator).
/// </summary>
/// <remarks>
/// Buffers are native (page-locked on CUDA) and bound to the session with an <see cref="OrtIoBinding"/>; two sets
/// exist so that <see cref="ClassifyPipelined"/> can prepare batch k+1 while batch k runs. Preprocessing runs on
/// the host (float NCHW) or, with <see cref="PreprocessingPlacement.Graph"/>, mostly inside the graph: the host
/// only resizes into uint8 NHWC.
/// </remarks>
public sealed class ClassifierSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    // One writer per preprocessing worker: each owns its scratch Mats, so workers never share state.
    private readonly CropTensorWriter[] _floatWriters;
    private readonly CropByteWriter[] _byteWriters;
    private readonly Slot[] _slots;
    private readonly string _inputName;
    private readonly string _outputName;
    private bool _disposed;

    private ClassifierSession(InferenceSession session, ClassifierSignature signature, ClassifierRuntimeOptions options,
        ExecutionProviderSelection providers, PreprocessingPlacement placement, string? preprocessingNote)
    {
        _session = session;
        Signature = signature;
        MaxBatchSize = options.MaxBatchSize;
        Providers = providers;
        Preprocessing = placement;
        PreprocessingNote = preprocessingNote;
        int workers = options.PreprocessingThreads > 0 ? options.PreprocessingThreads : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var f = signature.Format;
        bool graph = placement == PreprocessingPlacement.Graph;
        _floatWriters = graph ? [] : Enumerable.Range(0, workers).Select(_ => new CropTensorWriter(f)).ToArray();
        _byteWriters = graph ? Enumerable.Range(0, workers).Select(_ => new CropByteWriter(f)).ToArray() : [];
        _inputName = graph ? FusedPreprocessingModel.InputName : signature.InputTensor;
        _outputName = signature.OutputTensor;
        bool pageLock = options.PinHostBuffers && providers.Selected != ExecutionProviderKind.Cpu;
        var input = graph
            ? new TensorLayout(TensorElementType.UInt8, 1, [f.Height, f.Width, f.Channels])
            : new TensorLayout(TensorElementType.Float, sizeof(float), [f.Channels, f.Height, f.Width]);
        _slots = [new Slot(session, input, MaxBatchSize, signature.Labels.Count, pageLock), new Slot(session, input, MaxBatchSize, signature.Labels.Count, pageLock)];
        HostBuffersPageLocked = _slots[0].PageLocked;
    }

    /// <summary>Below this many crops, splitting preprocessing across threads costs more than it saves.</summary>
    private const int ParallelPreprocessingThreshold = 8;

    public ClassifierSignature Signature { get; }
    public int MaxBatchSize { get; }
    public ExecutionProviderSelection Providers { get; }
    public int LabelCount => Signature.Labels.Count;

    /// <summary>Where this session preprocesses: <see cref="PreprocessingPlacement.Host"/> or <see cref="PreprocessingPlacement.Graph"/>.</summary>
    public PreprocessingPlacement Preprocessing { get; }

    /// <summary>Why preprocessing stayed on the host when the graph was tried; null otherwise.</summary>
    public string? PreprocessingNote { get; }

    /// <summary>Whether the input and output buffers are page-locked for DMA (CUDA and TensorRT only).</summary>
    public bool HostBuffersPageLocked { get; }

    /// <summary>Loads <paramref name="modelPath"/>, checks it against <paramref name="signature"/>, and warms it up.</summary>
    public static ClassifierSession Create(string modelPath, ClassifierSignature signature, ClassifierRuntimeOptions options, ILogger logger)
    {
        options.Validate();
        using var sessionOptions = CreateSessionOptions(options);
        var providers = new ExecutionProviderSelector(logger).Apply(sessionOptions, options, signature.ModelSha256);

        string? note = null;
        bool wantGraph = options.Preprocessing == PreprocessingPlacement.Graph
            || (options.Preprocessing == PreprocessingPlacement.Auto && providers.Selected != ExecutionProviderKind.Cpu);
        if (wantGraph)
        {
            var fused = TryCreateFused(modelPath, signature, options, providers, sessionOptions, out note);
            if (fused is not null)
            {
                Log(logger, fused, options);
                return fused;
            }
            if (options.Preprocessing == PreprocessingPlacement.Graph)
                throw new ClassifierLoadException($"Model '{modelPath}' cannot take its preprocessing into the graph: {note}");
            logger.LogWarning("Classifier {Model} keeps preprocessing on the host: {Reason}", signature.ModelName, note);
        }

        var session = Load(modelPath, () => new InferenceSession(modelPath, sessionOptions));
        try
        {
            CheckInput(session, signature, modelPath);
            CheckOutput(session, signature, modelPath);
            var classifier = new ClassifierSession(session, signature, options, providers, PreprocessingPlacement.Host, note);
            if (options.WarmUp)
                classifier.RunSlot(0, 1);
            Log(logger, classifier, options);
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
        CheckBatch(crops);
        if (crops.Count == 0) return ReadOnlySpan<float>.Empty;
        Prepare(0, crops);
        return RunSlot(0, crops.Count);
    }

    /// <summary>
    /// Classifies <paramref name="batches"/> in order, preparing batch k+1 (taking it from the enumerator and
    /// preprocessing it) on a worker thread while batch k runs, so the accelerator does not wait for the host.
    /// <paramref name="onBatch"/> runs on the calling thread, once per batch, in order. Returns the number of batches.
    /// </summary>
    public int ClassifyPipelined(IEnumerable<IReadOnlyList<Mat>> batches, ClassifiedBatchHandler onBatch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(onBatch);
        using var enumerator = batches.GetEnumerator();
        IReadOnlyList<Mat>? Next(int slot)
        {
            if (!enumerator.MoveNext()) return null;
            var crops = enumerator.Current;
            CheckBatch(crops);
            Prepare(slot, crops);
            return crops;
        }

        int index = 0, current = 0;
        var batch = Next(current);
        while (batch is not null)
        {
            int other = current ^ 1;
            var next = Task.Run(() => Next(other));
            try
            {
                onBatch(index++, batch, batch.Count == 0 ? ReadOnlySpan<float>.Empty : RunSlot(current, batch.Count));
            }
            catch
            {
                // The worker writes into this session's buffers: let it finish before the caller may dispose them.
                try { next.Wait(); } catch (AggregateException) { }
                throw;
            }
            batch = next.GetAwaiter().GetResult();
            current = other;
        }
        return index;
    }

    private void CheckBatch(IReadOnlyList<Mat> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        if (crops.Count > MaxBatchSize)
            throw new ArgumentException($"Batch of {crops.Count} crops exceeds the session's maximum of {MaxBatchSize}.", nameof(crops));
    }

    /// <summary>Preprocesses <paramref name="crops"/> into slot <paramref name="slot"/>'s input buffer.</summary>
    private unsafe void Prepare(int slot, IReadOnlyList<Mat> crops)
    {
        int n = crops.Count;
        IntPtr buffer = _slots[slot].Input.Pointer;
        int workers = Preprocessing == PreprocessingPlacement.Graph ? _byteWriters.Length : _floatWriters.Length;
        int valuesPerImage = Signature.Format.ValuesPerImage;
        void Write(int worker, int i)
        {
            if (Preprocessing == PreprocessingPlacement.Graph)
                _byteWriters[worker].Write(crops[i], (byte*)buffer, i);
            else
                _floatWriters[worker].Write(crops[i], new Span<float>((void*)buffer, n * valuesPerImage), i);
        }

        if (n < ParallelPreprocessingThreshold || workers == 1)
        {
            for (int i = 0; i < n; i++) Write(0, i);
            return;
        }
        // ONNX Runtime's threads are idle while a batch is being prepared (or, pipelined, the accelerator runs the
        // previous one), so the cores are free for this.
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            for (int i = worker; i < n; i += workers) Write(worker, i);
        });
    }

    /// <summary>Runs the graph on the first <paramref name="n"/> images already in slot <paramref name="slot"/>'s input.</summary>
    private unsafe ReadOnlySpan<float> RunSlot(int slot, int n)
    {
        var s = _slots[slot];
        // Bound every run: with CUDA, BindInput is where ONNX Runtime copies host input to the device.
        s.Binding.BindInput(_inputName, s.InputValue(n));
        if (s.BoundOutputBatch != n)
        {
            s.Binding.BindOutput(_outputName, s.OutputValue(n));
            s.BoundOutputBatch = n;
        }
        _session.RunWithBinding(_runOptions, s.Binding);

        var probabilities = new Span<float>((void*)s.Output.Pointer, n * LabelCount);
        if (Signature.OutputIsLogits)
            for (int i = 0; i < n; i++)
                Softmax.InPlace(probabilities.Slice(i * LabelCount, LabelCount));
        return probabilities;
    }

    private static ClassifierSession? TryCreateFused(string modelPath, ClassifierSignature signature, ClassifierRuntimeOptions options,
        ExecutionProviderSelection providers, SessionOptions sessionOptions, out string? note)
    {
        InferenceSession session;
        try
        {
            var bytes = FusedPreprocessingModel.Build(modelPath, signature.InputTensor, signature.Format);
            session = new InferenceSession(bytes, sessionOptions);
        }
        catch (Exception ex) when (ex is ArgumentException or OnnxFormatException or NotSupportedException or OnnxRuntimeException or IOException)
        {
            note = $"the fused graph could not be built or loaded: {ex.Message}";
            return null;
        }

        ClassifierSession? classifier = null;
        try
        {
            CheckOutput(session, signature, modelPath);
            classifier = new ClassifierSession(session, signature, options, providers, PreprocessingPlacement.Graph, null);
            note = classifier.CompareWithHostPreprocessing();
            if (note is not null)
            {
                classifier.Dispose();
                return null;
            }
            if (options.WarmUp)
                classifier.RunSlot(0, 1);
            return classifier;
        }
        catch (OnnxRuntimeException ex)
        {
            note = $"the fused graph failed its check: {ex.Message}";
            if (classifier is not null) classifier.Dispose(); else session.Dispose();
            return null;
        }
        catch
        {
            // A signature error (output name, label count) is the model's, not the fused graph's: report it as is.
            if (classifier is not null) classifier.Dispose(); else session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a few deterministic crops through the graph's preprocessing and the host's, and compares the model
    /// inputs they produce (the fused graph exposes its computed input as an extra output). Both resize with
    /// OpenCV into the same bytes, so they must agree to float rounding. Null when they do, else what differs.
    /// </summary>
    private unsafe string? CompareWithHostPreprocessing()
    {
        var f = Signature.Format;
        int n = Math.Min(4, MaxBatchSize);
        var crops = CheckCrops(n, f.Width, f.Height);
        try
        {
            var expected = new float[n * f.ValuesPerImage];
            using (var writer = new CropTensorWriter(f))
                for (int i = 0; i < n; i++) writer.Write(crops[i], expected, i);

            Prepare(0, crops);
            var actual = new float[n * f.ValuesPerImage];
            var probabilities = new float[n * LabelCount];
            using var input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.UInt8,
                [n, f.Height, f.Width, f.Channels], _slots[0].Input.Pointer, (long)n * f.ValuesPerImage);
            using var actualValue = OrtValue.CreateTensorValueFromMemory(actual, [n, f.Channels, f.Height, f.Width]);
            using var probabilityValue = OrtValue.CreateTensorValueFromMemory(probabilities, [n, LabelCount]);
            _session.Run(_runOptions, [_inputName], [input], [Signature.InputTensor, _outputName], [actualValue, probabilityValue]);

            float worst = 0, scale = 1;
            int at = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                float d = Math.Abs(expected[i] - actual[i]);
                scale = Math.Max(scale, Math.Abs(expected[i]));
                if (d > worst) { worst = d; at = i; }
            }
            // A few float roundings of value * gain + offset; anything larger is a different preprocessing.
            return worst <= 1e-5f * scale
                ? null
                : $"the graph's preprocessing differs from the host's by up to {worst:G3} (value {at}: host {expected[at]:G6}, graph {actual[at]:G6})";
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    /// <summary>Crops of several sizes (shrunk, enlarged, exact) with seeded pixels: every resize branch is compared.</summary>
    private static List<Mat> CheckCrops(int n, int width, int height)
    {
        var random = new Random(1234);
        var sizes = new[] { (width + 32, height + 16), (width * 3, height * 2), (width, height), (Math.Max(1, width / 2), Math.Max(1, height / 3)) };
        var crops = new List<Mat>(n);
        for (int i = 0; i < n; i++)
        {
            var (w, h) = sizes[i % sizes.Length];
            var pixels = new byte[w * h * 3];
            random.NextBytes(pixels);
            var crop = new Mat(h, w, MatType.CV_8UC3); // freshly allocated: continuous
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, crop.Data, pixels.Length);
            crops.Add(crop);
        }
        return crops;
    }

    private static InferenceSession Load(string modelPath, Func<InferenceSession> load)
    {
        try
        {
            return load();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ClassifierLoadException($"Model '{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }
    }

    private static void Log(ILogger logger, ClassifierSession classifier, ClassifierRuntimeOptions options)
    {
        var s = classifier.Signature;
        logger.LogInformation(
            "Loaded classifier {Model} {Version} ({Labels} labels, input {Width}x{Height}) on {Provider}, max batch {MaxBatch}, preprocessing on the {Placement}{Pinned}",
            s.ModelName, s.ModelVersion, s.Labels.Count, s.Format.Width, s.Format.Height,
            classifier.Providers.Selected, options.MaxBatchSize, classifier.Preprocessing == PreprocessingPlacement.Graph ? "graph" : "host",
            classifier.HostBuffersPageLocked ? ", page-locked buffers" : "");
    }

    private static void CheckInput(InferenceSession session, ClassifierSignature signature, string modelPath)
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
    }

    private static void CheckOutput(InferenceSession session, ClassifierSignature signature, string modelPath)
    {
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
        foreach (var slot in _slots) slot.Dispose();
        foreach (var writer in _floatWriters) writer.Dispose();
        foreach (var writer in _byteWriters) writer.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Element type, bytes per element and per-image dimensions of a session's input tensor.</summary>
    private sealed record TensorLayout(TensorElementType Type, int ElementBytes, long[] ImageDims)
    {
        public long ElementsPerImage => ImageDims.Aggregate(1L, (a, d) => a * d);
    }

    /// <summary>
    /// One set of buffers and their binding: input and output memory for the largest batch, tensors over it per
    /// batch size (created on first use), bound to the session with an <see cref="OrtIoBinding"/>.
    /// </summary>
    private sealed class Slot : IDisposable
    {
        private readonly TensorLayout _layout;
        private readonly int _labels;
        private readonly OrtValue?[] _inputs;
        private readonly OrtValue?[] _outputs;

        public Slot(InferenceSession session, TensorLayout layout, int maxBatch, int labels, bool pageLock)
        {
            _layout = layout;
            _labels = labels;
            Input = new HostBuffer(maxBatch * layout.ElementsPerImage * layout.ElementBytes, pageLock);
            Output = new HostBuffer((long)maxBatch * labels * sizeof(float), pageLock);
            _inputs = new OrtValue?[maxBatch + 1];
            _outputs = new OrtValue?[maxBatch + 1];
            Binding = session.CreateIoBinding();
        }

        public HostBuffer Input { get; }
        public HostBuffer Output { get; }
        public OrtIoBinding Binding { get; }
        public int BoundOutputBatch { get; set; } = -1;
        public bool PageLocked => Input.PageLocked && Output.PageLocked;

        public OrtValue InputValue(int n) => _inputs[n] ??= OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, _layout.Type, [n, .. _layout.ImageDims], Input.Pointer, n * _layout.ElementsPerImage * _layout.ElementBytes);

        public OrtValue OutputValue(int n) => _outputs[n] ??= OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [n, _labels], Output.Pointer, (long)n * _labels * sizeof(float));

        public void Dispose()
        {
            Binding.Dispose();
            foreach (var value in _inputs) value?.Dispose();
            foreach (var value in _outputs) value?.Dispose();
            Input.Dispose();
            Output.Dispose();
        }
    }
}
