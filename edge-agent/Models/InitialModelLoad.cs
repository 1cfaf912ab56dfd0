using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The <see cref="Hosting.AgentStage.Model"/> stage: loads the configured package into the <see cref="ModelSlot"/>
/// before anything else starts, and lets go of it after everything else stopped.
/// </summary>
internal sealed class InitialModelLoad(ModelLoader loader, ModelSlot slot, IOptions<ModelOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        slot.Publish(loader.Load(o.PackagePath, o.TrustedKeysDirectory, slot.NextGeneration(), o.ExtractionDirectory));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        slot.Dispose();
        return Task.CompletedTask;
    }
}
