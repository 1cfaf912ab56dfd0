using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlops.Inference.Runtime;

/// <summary>A provider that was asked for and could not be had, and why.</summary>
public sealed record SkippedExecutionProvider(ExecutionProviderKind Provider, string Reason);

/// <summary>Which provider a session runs on, and what was tried before it.</summary>
public sealed record ExecutionProviderSelection(ExecutionProviderKind Selected, IReadOnlyList<SkippedExecutionProvider> Skipped);

/// <summary>
/// Appends the first obtainable execution provider from an ordered preference to a session's options.
/// A provider is skipped, with the reason logged, when this ONNX Runtime build does not contain it (the CPU
/// NuGet package) or when registering it fails (no device, driver or library mismatch). CPU always remains.
/// </summary>
public sealed class ExecutionProviderSelector(ILogger logger)
{
    private static readonly Lazy<HashSet<string>> AvailableProviders =
        new(() => new HashSet<string>(OrtEnv.Instance().GetAvailableProviders(), StringComparer.Ordinal));

    public ExecutionProviderSelection Apply(
        SessionOptions sessionOptions, ClassifierRuntimeOptions options, string modelSha256)
    {
        var skipped = new List<SkippedExecutionProvider>();
        foreach (var kind in options.ExecutionProviders.Select(ExecutionProviderKinds.Parse).Distinct())
        {
            if (kind == ExecutionProviderKind.Cpu)
                return Selected(kind, skipped);

            if (!AvailableProviders.Value.Contains(kind.OrtName()))
            {
                Skip(skipped, kind, $"not in this ONNX Runtime build (available: {string.Join(", ", AvailableProviders.Value)})");
                continue;
            }

            try
            {
                Append(sessionOptions, kind, options, modelSha256);
                return Selected(kind, skipped);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                Skip(skipped, kind, $"registration failed: {ex.Message}");
            }
        }

        // CPU was not in the preference list: it is still the floor every session stands on.
        return Selected(ExecutionProviderKind.Cpu, skipped);
    }

    private ExecutionProviderSelection Selected(ExecutionProviderKind kind, List<SkippedExecutionProvider> skipped)
    {
        logger.LogInformation("Classifier runs on execution provider {Provider}", kind);
        return new ExecutionProviderSelection(kind, skipped);
    }

    private void Skip(List<SkippedExecutionProvider> skipped, ExecutionProviderKind kind, string reason)
    {
        logger.LogWarning("Execution provider {Provider} skipped: {Reason}", kind, reason);
        skipped.Add(new SkippedExecutionProvider(kind, reason));
    }

    private static void Append(SessionOptions sessionOptions, ExecutionProviderKind kind, ClassifierRuntimeOptions options, string modelSha256)
    {
        var deviceId = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (kind)
        {
            case ExecutionProviderKind.TensorRT:
                using (var trt = new OrtTensorRTProviderOptions())
                {
                    trt.UpdateOptions(new Dictionary<string, string>
                    {
                        ["device_id"] = deviceId,
                        ["trt_fp16_enable"] = options.TensorRtFp16 ? "1" : "0",
                        ["trt_engine_cache_enable"] = "1",
                        ["trt_engine_cache_path"] = TensorRtEngineCache.DirectoryFor(options, modelSha256),
                        ["trt_timing_cache_enable"] = "1",
                    });
                    sessionOptions.AppendExecutionProvider_Tensorrt(trt);
                }
                // TensorRT hands unsupported subgraphs to CUDA when both are registered.
                TryAppendCuda(sessionOptions, deviceId);
                break;
            case ExecutionProviderKind.Cuda:
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId });
                    sessionOptions.AppendExecutionProvider_CUDA(cuda);
                }
                break;
        }
    }

    private static void TryAppendCuda(SessionOptions sessionOptions, string deviceId)
    {
        if (!AvailableProviders.Value.Contains(ExecutionProviderKind.Cuda.OrtName()))
            return;
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId });
        sessionOptions.AppendExecutionProvider_CUDA(cuda);
    }
}
