using Microsoft.ML.OnnxRuntime;
using EdgeMlops.Inference.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.Inference.Tests.Runtime;

public sealed class ExecutionProviderSelectorTests
{
    [Fact]
    public void Asking_for_CUDA_on_a_CPU_build_falls_back_to_CPU_with_a_logged_reason()
    {
        var logger = new CapturingLogger();
        using var sessionOptions = new SessionOptions();
        var options = new ClassifierRuntimeOptions { ExecutionProviders = ["CUDA", "CPU"] };

        var selection = new ExecutionProviderSelector(logger).Apply(sessionOptions, options, "abc123");

        Assert.Equal(ExecutionProviderKind.Cpu, selection.Selected);
        var skipped = Assert.Single(selection.Skipped);
        Assert.Equal(ExecutionProviderKind.Cuda, skipped.Provider);
        Assert.Contains("not in this ONNX Runtime build", skipped.Reason);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Cuda") && e.Message.Contains(skipped.Reason));
    }

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
