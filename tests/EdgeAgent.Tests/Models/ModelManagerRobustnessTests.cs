using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>
/// The model manager when things go wrong around a deployment: unexpected runtime errors, a validation that overruns
/// its timeout, a newer desired state or a probation failure arriving while a deployment is still in progress.
/// </summary>
public sealed class ModelManagerRobustnessTests : ManagerTestBase
{
    /// <summary>Throws what ONNX Runtime throws at run time (not one of the types the manager expects) for the first version it sees.</summary>
    private sealed class FailingOnce(ModelOptions options, string version) : ModelValidation(options)
    {
        public override ValidationResult Validate(LoadedModel model) =>
            model.Version == version ? throw new InvalidOperationException("[ErrorCode:RuntimeException] Non-zero status code returned while running Conv node")
                : base.Validate(model);
    }

    /// <summary>Blocks inside validation until released, recording whether the model was let go under it meanwhile.</summary>
    private sealed class BlockingValidation(ModelOptions options) : ModelValidation(options)
    {
        public TaskCompletionSource<LoadedModel> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ManualResetEventSlim Gate { get; } = new();
        public bool? ReleasedUnderIt { get; private set; }
        public TaskCompletionSource Left { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValidationResult Validate(LoadedModel model)
        {
            Entered.TrySetResult(model);
            Gate.Wait(TimeSpan.FromSeconds(60));
            ReleasedUnderIt = model.IsReleased;
            Left.TrySetResult();
            return new ValidationResult(null, 1);
        }
    }

    [Fact]
    public async Task An_unexpected_runtime_error_in_validation_fails_that_version_and_later_desired_states_are_still_handled()
    {
        var v3 = Packages.Build("3.0.0");
        Server.Serve(v3);
        await using var rig = Rig(validation: o => new FailingOnce(o, "3.0.0"));
        await rig.StartAsync();

        var failed = await rig.HandledAsync(rig.Desire(v3, Server));

        Assert.Equal(ModelDeploymentState.Failed, failed.State);
        Assert.Contains("Non-zero status code", failed.Reason);
        Assert.Equal("1.0.0", rig.ServingVersion);
        var next = await rig.HandledAsync(rig.Desire(V2, Server));
        Assert.Equal(ModelDeploymentState.Active, next.State);
        Assert.Equal("2.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_validation_over_its_timeout_fails_the_version_but_keeps_its_session_open_until_the_validation_ends()
    {
        BlockingValidation validation = null!;
        await using var rig = Rig(o => o.ValidationTimeout = TimeSpan.FromSeconds(5), o => validation = new BlockingValidation(o));
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));
        var model = await validation.Entered.Task;

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("validate did not finish", report.Reason);
        Assert.False(model.IsReleased); // the native session still runs the validation
        validation.Gate.Set();
        await validation.Left.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(validation.ReleasedUnderIt);
        await Eventually.HoldsAsync(() => model.IsReleased, "the timed-out model let go once its validation ended");
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_newer_desired_revision_naming_another_model_cancels_the_deployment_in_progress()
    {
        var unreachable = new ModelDownloadServer(ManagerRig.DeviceId, ManagerRig.Secret); // never started: the download retries
        var v3 = Packages.Build("3.0.0");
        await using var rig = Rig();
        await rig.StartAsync();
        rig.Desire(v3, Server, source: unreachable.Source);
        await Eventually.HoldsAsync(() => rig.Status.Deployment is { Version: "3.0.0", State: ModelDeploymentState.Downloading },
            () => $"downloading 3.0.0; log: {rig.LogText()}");

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("2.0.0", report.Version);
        Assert.Equal("2.0.0", rig.ServingVersion);
        Assert.Contains("superseded", rig.LogText());
    }

    [Fact]
    public async Task When_the_desired_model_is_removed_after_one_was_applied_the_box_goes_back_to_its_configured_package()
    {
        await using var rig = Rig();
        await rig.StartAsync();
        Assert.Equal(ModelDeploymentState.Active, (await rig.HandledAsync(rig.Desire(V2, Server))).State);

        var report = await rig.HandledAsync(rig.DesireNoModel());

        Assert.Equal("1.0.0", rig.ServingVersion);
        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("1.0.0", report.Version);
        Assert.Equal("2.0.0", report.PreviousVersion);
        Assert.Contains("configured package", report.Reason);
        Assert.Equal("1.0.0", rig.Store.ReadPointer()!.Version); // a restart starts on it too
        var changes = rig.Status.Changes;
        await rig.HandledAsync(rig.DesireNoModel());
        Assert.Equal(changes, rig.Status.Changes); // serving it already: nothing to do
    }

    [Fact]
    public async Task After_a_restart_during_probation_the_probation_resumes_and_a_failure_then_still_rolls_back()
    {
        await ActivateOnProbationAndStopAsync();
        await using var restarted = Rig();
        await restarted.StartAsync();
        Assert.Equal("2.0.0", restarted.ServingVersion);
        var report = await restarted.HandledAsync(restarted.Desire(V2, Server, probationSeconds: 600)); // the retained state again
        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.NotNull(report.ProbationUntil);
        Assert.True(restarted.Slot.Current.Health.OnProbation);

        restarted.Slot.Current.Health.InferenceFailed(new InvalidOperationException("CUDA error: an illegal memory access"));

        await Eventually.HoldsAsync(() => restarted.Status.Deployment?.State == ModelDeploymentState.RolledBack, () => restarted.LogText());
        Assert.Equal("1.0.0", restarted.ServingVersion);
    }

    [Fact]
    public async Task A_version_the_agent_keeps_restarting_on_during_probation_is_rolled_back_at_the_third_start_and_reported()
    {
        var revision = await ActivateOnProbationAndStopAsync();
        // Two starts that died during probation (the manager never got to run).
        for (int start = 1; start < InitialModelLoad.MaxProbationStarts; start++)
        {
            await using var crashed = Rig();
            Assert.Equal("2.0.0", crashed.ServingVersion);
        }

        await using var third = Rig();

        Assert.Equal("1.0.0", third.ServingVersion);
        var report = third.Status.Deployment!;
        Assert.Equal(ModelDeploymentState.RolledBack, report.State);
        Assert.Equal("2.0.0", report.Version);
        Assert.Contains("started 3 times during the probation", report.Reason);
        Assert.Equal("rollout-1", report.RolloutId);
        // The hub's retained state naming 2.0.0 is not deployed again; a newer revision would be.
        await third.StartAsync();
        Assert.Equal(revision, third.Desire(V2, Server, probationSeconds: 600));
        Assert.Equal(ModelDeploymentState.RolledBack, (await third.HandledAsync(revision)).State);
        Assert.Equal("1.0.0", third.ServingVersion);
    }

    /// <summary>Deploys 2.0.0 with a long probation on a manager that then stops before the probation ends.</summary>
    private async Task<long> ActivateOnProbationAndStopAsync()
    {
        await using var rig = Rig();
        await rig.StartAsync();
        var revision = rig.Desire(V2, Server, probationSeconds: 600);
        Assert.NotNull((await rig.HandledAsync(revision)).ProbationUntil);
        return revision;
    }

    [Fact]
    public async Task A_swapped_in_version_is_on_probation_from_the_moment_it_serves()
    {
        await using var rig = Rig();
        await rig.StartAsync();
        bool? onProbationWhenFirstSeen = null;
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watcher = Task.Run(() =>
        {
            // What the batcher sees when it first leases the new version.
            while (!watching.IsCancellationRequested)
            {
                var current = rig.Slot.Current;
                if (current.Version == "2.0.0")
                {
                    onProbationWhenFirstSeen = current.Health.OnProbation;
                    return;
                }
            }
        });

        await rig.HandledAsync(rig.Desire(V2, Server, probationSeconds: 60));
        await watcher;

        Assert.True(onProbationWhenFirstSeen);
    }

    [Fact]
    public async Task A_probation_failure_rolls_back_at_once_even_while_a_long_download_is_in_progress_and_that_deployment_starts_over()
    {
        var unreachable = new ModelDownloadServer(ManagerRig.DeviceId, ManagerRig.Secret);
        var v3 = Packages.Build("3.0.0");
        await using var rig = Rig();
        await rig.StartAsync();
        await rig.HandledAsync(rig.Desire(V2, Server, probationSeconds: 60));
        rig.Desire(v3, Server, source: unreachable.Source);
        await Eventually.HoldsAsync(() => rig.Status.Deployment is { Version: "3.0.0", State: ModelDeploymentState.Downloading },
            () => $"downloading 3.0.0; log: {rig.LogText()}");
        var changes = rig.Status.Changes;

        rig.Slot.Current.Health.InferenceFailed(new InvalidOperationException("CUDA error: an illegal memory access"));

        await Eventually.HoldsAsync(() => rig.ServingVersion == "1.0.0", () => $"rolled back to 1.0.0; log: {rig.LogText()}");
        Assert.Equal("1.0.0", rig.Store.ReadPointer()!.Version);
        await Eventually.HoldsAsync(() => rig.Status.Changes > changes + 1 && rig.Status.Deployment is { Version: "3.0.0", State: ModelDeploymentState.Downloading },
            () => $"3.0.0 downloading again after the rollback; log: {rig.LogText()}");
    }
}
