namespace EdgeMlops.Inference.Runtime;

/// <summary>Where a session turns crop pixels into the model's float input.</summary>
public enum PreprocessingPlacement
{
    /// <summary>In the graph where that is faster and agrees with the host at load (see <see cref="ClassifierRuntimeOptions.Preprocessing"/>); else on the host.</summary>
    Auto,

    /// <summary>On the host: resize, colour order and normalisation into float NCHW (<see cref="EdgeMlops.Inference.Preprocessing.CropTensorWriter"/>).</summary>
    Host,

    /// <summary>The host resizes into uint8 NHWC; the graph casts, reorders and normalises (<see cref="EdgeMlops.Inference.Preprocessing.FusedPreprocessingModel"/>).</summary>
    Graph,
}

/// <summary>How a classifier session is created. Bound from configuration section <c>Classifier</c>.</summary>
public sealed class ClassifierRuntimeOptions
{
    public const string SectionName = "Classifier";

    /// <summary>
    /// Execution providers in order of preference. Each one that this ONNX Runtime build or this machine cannot
    /// provide is skipped with a logged reason; CPU is always appended as the last resort.
    /// </summary>
    public IList<string> ExecutionProviders { get; set; } = ["TensorRT", "CUDA", "CPU"];

    /// <summary>Threads for one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Largest batch the session is prepared for; input and output buffers are allocated once for it.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Run one batch right after loading so that the first real frame does not pay for lazy initialisation.</summary>
    public bool WarmUp { get; set; } = true;

    public int DeviceId { get; set; }

    /// <summary>
    /// Where preprocessing runs. Auto puts colour order and normalisation into the graph on CUDA and TensorRT
    /// (the host then copies a quarter of the bytes and does no per-pixel arithmetic) when the graph's
    /// preprocessing equals the host's on a check batch at load, and keeps it on the host on CPU, where the
    /// graph's extra passes over the tensor cost more than they save. Graph fails the load instead of falling back.
    /// </summary>
    public PreprocessingPlacement Preprocessing { get; set; } = PreprocessingPlacement.Auto;

    /// <summary>Page-lock the session's input and output buffers on CUDA and TensorRT (cudaHostRegister), so copies are DMA.</summary>
    public bool PinHostBuffers { get; set; } = true;

    /// <summary>Threads that prepare one batch's crops; 0 means one per core, at most 4.</summary>
    public int PreprocessingThreads { get; set; }

    /// <summary>
    /// Root of the TensorRT engine cache. Engines are kept under a key of model hash, device and runtime version,
    /// so an upgrade of either builds a new engine instead of loading a stale one.
    /// </summary>
    public string TensorRtEngineCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "edgemlops-trt-cache");

    /// <summary>Let TensorRT build fp16 engines where the device supports them.</summary>
    public bool TensorRtFp16 { get; set; } = true;

    public void Validate()
    {
        if (MaxBatchSize is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "Classifier:MaxBatchSize must be between 1 and 1024.");
        if (PreprocessingThreads is < 0 or > 256)
            throw new ArgumentOutOfRangeException(nameof(PreprocessingThreads), PreprocessingThreads, "Classifier:PreprocessingThreads must be between 0 and 256.");
        if (!Enum.IsDefined(Preprocessing))
            throw new ArgumentOutOfRangeException(nameof(Preprocessing), Preprocessing, "Classifier:Preprocessing must be Auto, Host or Graph.");
        if (IntraOpThreads < 0 || InterOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), "Classifier thread counts must not be negative.");
        foreach (var provider in ExecutionProviders)
            _ = ExecutionProviderKinds.Parse(provider);
    }
}
