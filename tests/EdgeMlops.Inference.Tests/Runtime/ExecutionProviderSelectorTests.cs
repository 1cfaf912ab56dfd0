using Microsoft.ML.OnnxRuntime;
using EdgeMlops.Inference.Runtime;
using Microsoft.Extensions.Logging;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeMlops.Inference.Tests.Runtime;

public sealed class ExecutionProviderSelectorTests
{
    [Fact]
    public void Asking_for_CUDA_without_CUDA_falls_back_to_CPU_with_a_logged_reason_naming_the_missing_library()
    {
        var logger = new CapturingLogger();
        using var sessionOptions = new SessionOptions();
        var options = new ClassifierRuntimeOptions { ExecutionProviders = ["CUDA", "CPU"] };

        var selection = new ExecutionProviderSelector(logger).Apply(sessionOptions, options, "abc123");

        if (selection.Selected == ExecutionProviderKind.Cuda)
            return; // a machine with CUDA 13: nothing was skipped, and there is no missing library to name
        Assert.Equal(ExecutionProviderKind.Cpu, selection.Selected);
        var skipped = Assert.Single(selection.Skipped);
        Assert.Equal(ExecutionProviderKind.Cuda, skipped.Provider);
        if (GpuBuild)
            // The GPU build has the provider but not CUDA's libraries here: the reason names the one missing.
            Assert.Matches(@"lib(cublasLt|cublas|cudart|cudnn|cufft|curand)[\w.]*\.so[.\d]*: cannot open shared object file", skipped.Reason);
        else
            Assert.Contains("not in this ONNX Runtime build", skipped.Reason);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Cuda") && e.Message.Contains(skipped.Reason));
    }

    [Fact]
    public void The_GPU_package_library_carries_the_CUDA_and_TensorRT_providers()
    {
        var package = typeof(ExecutionProviderSelectorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "OnnxRuntimePackage").Value;
        var available = OrtEnv.Instance().GetAvailableProviders();

        Assert.Contains(package, new[] { "Gpu", "Cpu", "System" });
        if (package == "Gpu")
        {
            Assert.Contains("CUDAExecutionProvider", available);
            Assert.Contains("TensorrtExecutionProvider", available);
        }
        Assert.Contains("CPUExecutionProvider", available);
    }

    [Fact]
    public void A_plain_linux_x64_build_chooses_the_GPU_package()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            return;
        var package = typeof(ExecutionProviderSelectorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "OnnxRuntimePackage").Value;

        // Fails when built with -p:UseCpuOnnxRuntime=true, which is what that switch is for: the default is checked.
        Assert.Equal("Gpu", package);
    }

    [Fact]
    public void Without_TensorRT_the_default_preference_names_what_is_missing_for_each_accelerator()
    {
        using var sessionOptions = new SessionOptions();

        var selection = new ExecutionProviderSelector(new CapturingLogger()).Apply(sessionOptions, new ClassifierRuntimeOptions(), "abc123");

        if (selection.Selected != ExecutionProviderKind.Cpu || !GpuBuild)
            return;
        Assert.All(selection.Skipped, s => Assert.Matches(@"lib[\w.+-]+\.so[.\d]*", s.Reason));
    }

    private static bool GpuBuild => OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");

    [Fact]
    public void Default_preference_skips_TensorRT_and_CUDA_in_order_and_lands_on_CPU()
    {
        var logger = new CapturingLogger();
        using var sessionOptions = new SessionOptions();

        var selection = new ExecutionProviderSelector(logger).Apply(sessionOptions, new ClassifierRuntimeOptions(), "abc123");

        Assert.Equal(ExecutionProviderKind.Cpu, selection.Selected);
        Assert.Equal([ExecutionProviderKind.TensorRT, ExecutionProviderKind.Cuda], selection.Skipped.Select(s => s.Provider));
    }

    [Fact]
    public void A_preference_without_CPU_still_ends_on_CPU()
    {
        using var sessionOptions = new SessionOptions();
        var options = new ClassifierRuntimeOptions { ExecutionProviders = ["TensorRT"] };

        var selection = new ExecutionProviderSelector(new CapturingLogger()).Apply(sessionOptions, options, "abc123");

        Assert.Equal(ExecutionProviderKind.Cpu, selection.Selected);
        Assert.Single(selection.Skipped);
    }

    [Fact]
    public void An_unknown_provider_name_is_a_configuration_error_naming_it()
    {
        var options = new ClassifierRuntimeOptions { ExecutionProviders = ["OpenVINO-typo"] };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("OpenVINO-typo", error.Message);
    }
}
