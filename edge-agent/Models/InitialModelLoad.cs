using EdgeMlops.Contracts;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The <see cref="Hosting.AgentStage.Model"/> stage: loads a model into the <see cref="ModelSlot"/> before anything
/// else starts, and lets go of it after everything else stopped. The version the model manager's pointer names comes
/// first (verified like any package), then the one it replaced, then the configured <see cref="ModelOptions.PackagePath"/>:
/// a box killed at any moment of a deployment starts on a consistent, verified model. A version still on probation
/// counts the starts; one the agent started on <see cref="MaxProbationStarts"/> times without passing probation (it
/// crashes the agent) is given up for the one before it, reported rolled-back.
/// </summary>
internal sealed class InitialModelLoad(ModelLoader loader, ModelSlot slot, IOptions<ModelOptions> options, DeploymentStatus status,
    TimeProvider time, ILogger<InitialModelLoad> logger)
    : IHostedService
{
    /// <summary>Starts on a version during one probation after which it is rolled back at start.</summary>
    public const int MaxProbationStarts = 3;

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
        var store = ModelStore.From(o);
        var pointer = store.ReadPointer();
        if (pointer is { ProbationUntil: { } until } && until > time.GetUtcNow())
            pointer = CountProbationStart(store, pointer);
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

    /// <summary>The pointer to start on: the same with one more start counted, or, at the limit, the previous version's.</summary>
    private CurrentModelPointer CountProbationStart(ModelStore store, CurrentModelPointer pointer)
    {
        var starts = pointer.ProbationStarts + 1;
        if (starts < MaxProbationStarts || pointer.Previous is not { } previous)
        {
            var counted = pointer with { ProbationStarts = starts };
            store.WritePointer(counted);
            return counted;
        }
        var reason = $"the agent started {starts} times during the probation of {pointer.Name} {pointer.Version} without passing it";
        logger.LogError("Model {Name} {Version}: {Reason}; rolling back to {Previous}", pointer.Name, pointer.Version, reason, previous.Version);
        var rolledBack = new CurrentModelPointer(previous.Name, previous.Version, previous.Path, RolledBackRevision: pointer.Revision);
        store.WritePointer(rolledBack);
        status.Report(new ModelDeploymentReport(pointer.Name, pointer.Version, ModelDeploymentState.RolledBack, time.GetUtcNow(),
            pointer.RolloutId, $"probation: {reason}", PreviousVersion: previous.Version));
        return rolledBack;
    }
}
