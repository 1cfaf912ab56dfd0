using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>
/// The model manager against a real HTTP server serving the hub's device download API: what it downloads, what it
/// refuses, what it reports, and that the current model keeps serving whenever a deployment fails.
/// </summary>
public sealed partial class ModelManagerTests : ManagerTestBase
{
    [Fact]
    public async Task A_desired_version_is_downloaded_verified_validated_and_swapped_in_and_reported_active()
    {
        await using var rig = Rig();
        await rig.StartAsync();
        var steps = new List<ModelDeploymentState>();
        _ = RecordStatesAsync(rig.Status, steps);

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("2.0.0", report.Version);
        Assert.Equal("1.0.0", report.PreviousVersion);
        Assert.Equal("rollout-1", report.RolloutId);
        Assert.Equal("2.0.0", rig.ServingVersion);
        Assert.Equal(FleetPackages.Manifest(V2).Files.Count, Server.FileRequests);
        // Each step is reported in order (a watcher may miss one that passed quickly, never see them out of order).
        lock (steps)
        {
            Assert.Equal(steps.Order(), steps);
            Assert.Equal(ModelDeploymentState.Active, steps[^1]);
        }
        Assert.True(Directory.Exists(rig.Store.VersionDirectory("vehicle-classifier", "2.0.0")));
    }

    [Fact]
    public async Task A_second_version_sharing_files_downloads_only_the_files_the_cache_lacks()
    {
        var v3 = Packages.Build("3.0.0", retrainedCanaryImage: true);
        Server.Serve(v3);
        await using var rig = Rig();
        await rig.StartAsync();
        await rig.HandledAsync(rig.Desire(V2, Server));
        var before = Server.FileRequests;

        var report = await rig.HandledAsync(rig.Desire(v3, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal(1, Server.FileRequests - before); // the one re-encoded canary image; the model and the rest are cached
        Assert.Equal("3.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_download_cut_midway_resumes_with_a_range_request_and_completes()
    {
        var model = FleetPackages.Manifest(V2).Files.Single(f => f.Path == PackageLayout.ModelFile);
        Server.CutOnce(model.Sha256, model.Size / 2);
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal(2, Server.Requests.Count(r => r.EndsWith(model.Sha256, StringComparison.Ordinal)));
        Assert.Contains(rig.DownloadLog.Collector.GetSnapshot(), r => r.Message.StartsWith("Resuming model.onnx at byte", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_file_fails_the_deployment_naming_the_file_and_the_old_model_keeps_serving()
    {
        var model = FleetPackages.Manifest(V2).Files.Single(f => f.Path == PackageLayout.ModelFile);
        Server.Tamper(model.Sha256);
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("model.onnx", report.Reason);
        Assert.Contains("SHA-256", report.Reason);
        Assert.Equal("1.0.0", rig.ServingVersion);
        Assert.False(File.Exists(rig.Store.CachedFile(model.Sha256)));
    }

    [Fact]
    public async Task A_manifest_whose_sha256_is_not_the_desired_one_fails_before_any_file_is_fetched()
    {
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server, manifestSha256: new string('a', 64)));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("manifest", report.Reason);
        Assert.Contains(new string('a', 64), report.Reason);
        Assert.Equal(0, Server.FileRequests);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_package_signed_by_a_key_the_box_does_not_trust_fails_verification()
    {
        using var publisher = SigningKey.Generate();
        var untrusted = Packages.Build("2.1.0", key: publisher);
        Server.Serve(untrusted);
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(untrusted, Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.StartsWith("verify", report.Reason);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_version_whose_canary_set_falls_under_its_gate_fails_validation()
    {
        // Two labels swapped: the graph still answers, but car images now score as vans.
        var swapped = Packages.Build("2.2.0", draft => draft with
        {
            Labels = [draft.Labels[1], draft.Labels[0], .. draft.Labels.Skip(2)],
            Gate = new CanaryGate { MinMacroPrecision = 0.9 },
        });
        Server.Serve(swapped);
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(swapped, Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("canary", report.Reason);
        Assert.Contains("gate", report.Reason);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_disk_budget_too_small_fails_naming_the_bytes_needed_and_the_budget()
    {
        await using var rig = Rig(o => o.DiskBudgetBytes = 1000);
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("DiskBudgetBytes 1000", report.Reason);
        Assert.Contains(ModelStore.DistinctBytes([FleetPackages.Manifest(V2)]).ToString(), report.Reason);
        Assert.Equal(0, Server.FileRequests);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task While_the_hub_is_unreachable_the_download_retries_and_completes_once_it_is_back()
    {
        var later = new ModelDownloadServer(ManagerRig.DeviceId, ManagerRig.Secret);
        later.Serve(V2);
        await using var rig = Rig();
        await rig.StartAsync();
        var revision = rig.Desire(V2, Server, source: later.Source);
        await Eventually.HoldsAsync(() => rig.Status.Deployment?.State == ModelDeploymentState.Downloading, "downloading while the hub is down");
        await Task.Delay(300); // a few attempts fail meanwhile

        await using (later)
        {
            await later.StartAsync();
            var report = await rig.HandledAsync(revision);

            Assert.Equal(ModelDeploymentState.Active, report.State);
            Assert.Equal("2.0.0", rig.ServingVersion);
        }
    }

    [Fact]
    public async Task The_pointer_survives_a_restart_and_the_next_manager_starts_on_the_activated_version()
    {
        await using (var rig = Rig())
        {
            await rig.StartAsync();
            Assert.Equal(ModelDeploymentState.Active, (await rig.HandledAsync(rig.Desire(V2, Server))).State);
        }

        await using var restarted = Rig();

        Assert.Equal("2.0.0", restarted.ServingVersion);
        Assert.Equal(restarted.Store.VersionDirectory("vehicle-classifier", "2.0.0"), restarted.Slot.Current.SourcePath);
        Assert.Equal("1.0.0", restarted.Store.ReadPointer()!.Previous!.Version);
    }

    [Fact]
    public async Task A_version_held_on_disk_is_rolled_back_to_locally_without_downloading()
    {
        await using var rig = Rig();
        await rig.StartAsync();
        await rig.HandledAsync(rig.Desire(V2, Server));
        var v3 = Packages.Build("3.0.0");
        Server.Serve(v3);
        await rig.HandledAsync(rig.Desire(v3, Server));
        var requests = Server.Requests.Count;

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("2.0.0", rig.ServingVersion);
        Assert.Equal(requests, Server.Requests.Count);
    }

    [Fact]
    public async Task Only_the_last_versions_are_kept_on_disk_and_unreferenced_cache_files_go_with_them()
    {
        await using var rig = Rig(o => o.KeepVersions = 2);
        await rig.StartAsync();
        var versions = new[] { "3.0.0", "4.0.0", "5.0.0" }.Select(v => Packages.Build(v, retrainedCanaryImage: true)).ToList();
        foreach (var version in versions) Server.Serve(version);

        foreach (var version in versions.Prepend(V2))
            Assert.Equal(ModelDeploymentState.Active, (await rig.HandledAsync(rig.Desire(version, Server))).State);

        Assert.Equal(["4.0.0", "5.0.0"], rig.Store.Installed().Select(v => v.Version).Order());
        var referenced = rig.Store.Installed().SelectMany(v => v.Manifest!.Files).Select(f => f.Sha256).ToHashSet();
        Assert.All(Directory.EnumerateFiles(rig.Store.CacheDirectory), file => Assert.Contains(Path.GetFileName(file), referenced));
    }

    [Fact]
    public async Task A_malformed_model_property_is_reported_failed_with_the_problem()
    {
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.DesireProperty(JsonSerializer.SerializeToElement(new { name = "x" })));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("model", report.Reason);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Theory]
    [InlineData("inference error", "illegal memory access")]
    [InlineData("latency over budget", "p95 batch latency")]
    public async Task A_version_failing_probation_is_rolled_back_to_the_previous_one_and_reported_rolled_back(string fault, string reason)
    {
        await using var rig = Rig(o => o.LatencyBudgetMs = 10_000);
        await rig.StartAsync();
        var report = await rig.HandledAsync(rig.Desire(V2, Server, probationSeconds: 30));
        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.NotNull(report.ProbationUntil);

        // What the batcher records while the new version serves.
        var health = rig.Slot.Current.Health;
        if (fault == "inference error") health.InferenceFailed(new InvalidOperationException("CUDA error: an illegal memory access"));
        else for (int i = 0; i < 20; i++) health.BatchLatency.Record(TimeSpan.FromSeconds(15));

        await Eventually.HoldsAsync(() => rig.Status.Deployment?.State == ModelDeploymentState.RolledBack, () => rig.LogText());
        Assert.Equal("1.0.0", rig.ServingVersion);
        Assert.Contains(reason, rig.Status.Deployment!.Reason);
        Assert.Equal("1.0.0", rig.Store.ReadPointer()!.Version);
    }

    [Fact]
    public async Task After_a_restart_the_revision_rolled_back_from_is_not_deployed_again_but_a_newer_one_is()
    {
        long revision;
        await using (var rig = Rig())
        {
            await rig.StartAsync();
            revision = rig.Desire(V2, Server, probationSeconds: 30);
            await rig.HandledAsync(revision);
            rig.Slot.Current.Health.InferenceFailed(new InvalidOperationException("boom"));
            await Eventually.HoldsAsync(() => rig.Status.Deployment?.State == ModelDeploymentState.RolledBack, () => rig.LogText());
        }
        await using var restarted = Rig();
        await restarted.StartAsync();
        var requests = Server.Requests.Count;

        // The hub's retained state arrives again with the same revision.
        Assert.Equal(revision, restarted.Desire(V2, Server, probationSeconds: 30));
        var report = await restarted.HandledAsync(revision);

        Assert.Equal(ModelDeploymentState.RolledBack, report.State);
        Assert.Equal("1.0.0", restarted.ServingVersion);
        Assert.Equal(requests, Server.Requests.Count);
        Assert.Equal(ModelDeploymentState.Active, (await restarted.HandledAsync(restarted.Desire(V2, Server))).State);
        Assert.Equal("2.0.0", restarted.ServingVersion);
    }

    [Fact]
    public async Task A_desired_challenger_is_fetched_and_validated_to_run_in_shadow_without_being_swapped_in_and_stops_when_dropped()
    {
        var v3 = Packages.Build("3.0.0");
        Server.Serve(v3);
        await using var rig = Rig();
        await rig.StartAsync();
        var champion = FleetPackages.Manifest(V2);

        var report = await rig.HandledAsync(rig.Desire(new DesiredModel(champion.Name, "2.0.0", FleetPackages.ManifestSha256(V2), Server.Source,
            Challenger: new DesiredChallenger(champion.Name, "3.0.0", FleetPackages.ManifestSha256(v3), 0.25))));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("2.0.0", rig.ServingVersion);
        Assert.Equal("3.0.0", rig.Shadow.Challenger?.Version);

        await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Null(rig.Shadow.Challenger);
        Assert.Equal("2.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_healthy_version_passes_probation_and_keeps_serving()
    {
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server, probationSeconds: 1));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        await Eventually.HoldsAsync(() => rig.LogText().Contains("passed probation"), () => rig.LogText());
        Assert.Equal("2.0.0", rig.ServingVersion);
        Assert.Equal(ModelDeploymentState.Active, rig.Status.Deployment!.State);
    }

    [Fact]
    public async Task A_new_deployment_during_probation_replaces_the_watched_version_without_a_rollback()
    {
        var v3 = Packages.Build("3.0.0");
        Server.Serve(v3);
        await using var rig = Rig();
        await rig.StartAsync();
        await rig.HandledAsync(rig.Desire(V2, Server, probationSeconds: 60));

        var report = await rig.HandledAsync(rig.Desire(v3, Server, probationSeconds: 60));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.Equal("3.0.0", rig.ServingVersion);
        Assert.Equal("2.0.0", rig.Store.ReadPointer()!.Previous!.Version);
    }

    private static async Task RecordStatesAsync(DeploymentStatus status, List<ModelDeploymentState> states)
    {
        while (true)
        {
            var next = status.NextChange;
            await next;
            lock (states) states.Add(status.Deployment!.State);
            if (status.Deployment!.State is ModelDeploymentState.Active or ModelDeploymentState.Failed) return;
        }
    }
}
