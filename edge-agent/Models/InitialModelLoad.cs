using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The <see cref="Hosting.AgentStage.Model"/> stage: loads a model into the <see cref="ModelSlot"/> before anything
/// else starts, and lets go of it after everything else stopped. The version the model manager's pointer names comes
/// first (verified like any package), then the one it replaced, then the configured <see cref="ModelOptions.PackagePath"/>:
/// a box killed at any moment of a deployment starts on a consistent, verified model.
/// </summary>
internal sealed class InitialModelLoad(ModelLoader loader, ModelSlot slot, IOptions<ModelOptions> options, ILogger<InitialModelLoad> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        slot.Publish(LoadPointedOrConfigured(o));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        slot.Dispose();
        return Task.CompletedTask;
    }

    private LoadedModel LoadPointedOrConfigured(ModelOptions o)
    {
        var pointer = ModelStore.From(o).ReadPointer();
        var candidates = new List<(string Path, string What)>();
        if (pointer is not null)
        {
            candidates.Add((pointer.Path, $"{pointer.Name} {pointer.Version} (current model pointer)"));
            if (pointer.Previous is { } previous)
                candidates.Add((previous.Path, $"{previous.Name} {previous.Version} (the version before it)"));
        }
        foreach (var (path, what) in candidates)
        {
            try
            {
                var model = loader.Load(path, o.TrustedKeysDirectory, slot.NextGeneration(), o.ExtractionDirectory);
                logger.LogInformation("Loaded model {What} from {Path}", what, path);
                return model;
            }
            catch (Exception e) when (e is ModelPackageException or ClassifierLoadException or IOException)
            {
                logger.LogWarning("Model {What} at {Path} cannot serve: {Reason}; trying the next", what, path, e.Message);
            }
        }
        return loader.Load(o.PackagePath, o.TrustedKeysDirectory, slot.NextGeneration(), o.ExtractionDirectory);
    }
}
