using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Inference.Runtime;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>The seed classifier bundled next to the agent, loaded on the CPU the way the agent loads it.</summary>
internal static class SeedModel
{
    public static string PackagePath => Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier");
    public static string TrustedKeys => Path.Combine(AppContext.BaseDirectory, "models", "keys");

    public static ModelLoader Loader(int maxBatchSize = 8) =>
        new(Options.Create(new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = maxBatchSize, WarmUp = false }),
            new FakeLogger<ModelLoader>());

    public static LoadedModel Load(ModelSlot slot, int maxBatchSize = 8, string? packagePath = null) =>
        Loader(maxBatchSize).Load(packagePath ?? PackagePath, TrustedKeys, slot.NextGeneration());
}
