namespace EdgeMlops.Inference.Runtime;

public enum ExecutionProviderKind { TensorRT, Cuda, Cpu }

public static class ExecutionProviderKinds
{
    /// <summary>Parses a configured provider name ("TensorRT", "CUDA", "CPU"; case-insensitive).</summary>
    public static ExecutionProviderKind Parse(string name) => name.Trim().ToUpperInvariant() switch
    {
        "TENSORRT" or "TRT" => ExecutionProviderKind.TensorRT,
        "CUDA" => ExecutionProviderKind.Cuda,
        "CPU" => ExecutionProviderKind.Cpu,
        _ => throw new ArgumentException($"Unknown execution provider '{name}'. Known: TensorRT, CUDA, CPU.", nameof(name)),
    };

    /// <summary>The provider's name as ONNX Runtime reports it in <c>GetAvailableProviders()</c>.</summary>
    public static string OrtName(this ExecutionProviderKind kind) => kind switch
    {
        ExecutionProviderKind.TensorRT => "TensorrtExecutionProvider",
        ExecutionProviderKind.Cuda => "CUDAExecutionProvider",
        _ => "CPUExecutionProvider",
    };
}
