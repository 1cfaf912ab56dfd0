using Microsoft.ML.OnnxRuntime;

namespace EdgeMlops.Inference.Runtime;

/// <summary>
/// TensorRT engines are specific to the model, the GPU and the TensorRT/ONNX Runtime build. Keying the cache
/// folder by all three means an upgrade or a new model builds a fresh engine instead of loading one that no
/// longer matches (the classic "engine built per device breaks on upgrade" failure).
/// </summary>
public static class TensorRtEngineCache
{
    public static string DirectoryFor(ClassifierRuntimeOptions options, string modelSha256)
    {
        var runtime = OrtEnv.Instance().GetVersionString();
        var model = modelSha256.Length > 16 ? modelSha256[..16] : modelSha256;
        var path = Path.Combine(options.TensorRtEngineCacheDirectory, model, $"device{options.DeviceId}", $"ort-{runtime}");
        Directory.CreateDirectory(path);
        return path;
    }
}
