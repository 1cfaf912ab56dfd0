using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Rollout;

public sealed class RolloutEngineTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Canary_then_growing_waves_each_after_the_window_then_completed()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(7, "1", ("site", "north"));
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Selector: "site=north", Canary: 1, WaveBase: 2, WaveFactor: 2, Window: Window));

        await fleet.TickAsync();
        Assert.Equal(1, devices.Count(d => fleet.DesiredVersion(d) == "2"));
        var canary = fleet.DevicesOf(id).Single(d => d.Wave == 0);
        Assert.Equal("2", fleet.DesiredVersion(canary.DeviceId));
        var desired = fleet.DesiredModelOf(canary.DeviceId)!;
        Assert.Equal((RolloutStore.IdText(id), "http://hub.test:8080/", fleet.Catalog.Resolve(RolloutFleet.Model, "2")!.ManifestSha256),
            (desired.RolloutId, desired.Source, desired.ManifestSha256));

        // Active but not yet through the window: the next wave waits.
        await fleet.BoxesApplyAsync();
        await fleet.AdvanceAsync(Window / 2);
        Assert.Equal(1, devices.Count(d => fleet.DesiredVersion(d) == "2"));

        var moved = new List<int>();
        for (var pass = 0; pass < 10 && fleet.Rollout(id).State == RolloutStates.Running; pass++)
        {
            await fleet.AdvanceAsync(Window);
            moved.Add(devices.Count(d => fleet.DesiredVersion(d) == "2"));
            await fleet.BoxesApplyAsync();
        }

        Assert.Equal([3, 7, 7], moved); // canary 1, then waves of 2 and 4 (the last pass completes)
        Assert.Equal(RolloutStates.Completed, fleet.Rollout(id).State);
        Assert.Equal(new RolloutCounters(7, 7, 7, 0, 0), fleet.Counters(id));
        Assert.Equal([0, 1, 1, 2, 2, 2, 2], fleet.DevicesOf(id).Select(d => d.Wave).Order());
        Assert.All(fleet.DevicesOf(id), d => Assert.Equal("1", d.PreviousVersion));
        Assert.Equal([RolloutStates.Running, RolloutStates.Completed], fleet.Notifications.RolloutStates(id));
    }

    [Fact]
    public async Task A_failing_canary_aborts_and_every_moved_device_gets_its_previous_desired_model_back()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(5, "1", ("site", "north"));
        // Serving 1 because the fleet's desired model says so: that is what must come back.
        var v1 = new DesiredModel(RolloutFleet.Model, "1", fleet.Catalog.Resolve(RolloutFleet.Model, "1")!.ManifestSha256, "http://hub.test:8080/");
        foreach (var device in devices)
            await fleet.Desired.SetPropertyAsync(device, DesiredModel.PropertyName, v1.ToProperty(), CancellationToken.None);
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Selector: "site=north", Canary: 1, WaveBase: 1, Window: Window));
        await fleet.TickAsync();
        var canary = fleet.DevicesOf(id).Single(d => d.Wave == 0).DeviceId;
        await fleet.Engine.ApplyAsync(id, RolloutAction.Promote, CancellationToken.None);
        await fleet.TickAsync(); // promoted: wave 1 goes without waiting for the canary
        Assert.Equal(2, devices.Count(d => fleet.DesiredVersion(d) == "2"));

        await fleet.BoxesApplyAsync(fails: device => device == canary);
        await fleet.TickAsync();

        var rollout = fleet.Rollout(id);
        Assert.Equal(RolloutStates.Aborted, rollout.State);
        Assert.Contains($"canary {canary} failed", rollout.Reason);
        Assert.Contains("canary precision 0.41", rollout.Reason);
        Assert.All(devices, d => Assert.Equal(v1, fleet.DesiredModelOf(d)));
        var rows = fleet.DevicesOf(id);
        Assert.Equal(2, rows.Count(d => d.State == RolloutDeviceStates.Reverted));
        Assert.Equal(3, rows.Count(d => d.State == RolloutDeviceStates.Queued));
        Assert.Contains("failed: canary precision", rows.Single(d => d.DeviceId == canary).Reason);
        Assert.Equal([RolloutStates.Running, RolloutStates.Aborted], fleet.Notifications.RolloutStates(id));
    }

    [Fact]
    public async Task Failures_at_the_threshold_abort_only_once_the_minimum_has_executed()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(6, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, WaveBase: 6, Window: Window, AbortThreshold: 0.5, AbortMin: 3));
        await fleet.TickAsync();
        Assert.All(devices, d => Assert.Equal("2", fleet.DesiredVersion(d)));

        // Two failed, nothing else executed yet: 2 < the minimum of 3, so it runs on.
        await fleet.BoxesApplyAsync(fails: d => d is "box-1" or "box-2", offline: ["box-3", "box-4", "box-5", "box-6"]);
        await fleet.TickAsync();
        Assert.Equal(RolloutStates.Running, fleet.Rollout(id).State);

        await fleet.BoxesApplyAsync(offline: ["box-4", "box-5", "box-6"]);
        await fleet.AdvanceAsync(Window); // box-3 through the window: 2 of 3 executed failed, over 0.5

        Assert.Equal(RolloutStates.Aborted, fleet.Rollout(id).State);
        Assert.Contains("2 of 3 executed devices failed", fleet.Rollout(id).Reason);
        // None had a desired model before: the version each reported serving, as the catalog knows it, is written back.
        Assert.All(devices, d => Assert.Equal(("1", null), (fleet.DesiredVersion(d), fleet.DesiredModelOf(d)!.RolloutId)));
        Assert.All(fleet.DevicesOf(id), d => Assert.Equal(RolloutDeviceStates.Reverted, d.State));
    }

    [Fact]
    public async Task A_device_not_active_within_the_timeout_counts_as_failed_timed_out()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(3, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, WaveBase: 3, Window: Window,
            DeviceTimeout: TimeSpan.FromMinutes(30), AbortMin: 3, AbortThreshold: 0.5));
        await fleet.TickAsync();
        await fleet.ReportAsync("box-3", "1", new ModelDeploymentReport(RolloutFleet.Model, "2", ModelDeploymentState.Downloading, fleet.Hub.Time.GetUtcNow(),
            RolloutStore.IdText(id), BytesDone: 1000, BytesTotal: 4000));
        await fleet.BoxesApplyAsync(offline: ["box-3"]);
        await fleet.AdvanceAsync(TimeSpan.FromMinutes(29));
        var box3 = fleet.DevicesOf(id).Single(d => d.DeviceId == "box-3");
        Assert.Equal((RolloutDeviceStates.Downloading, 1000L, 4000L), (box3.State, box3.BytesDone!.Value, box3.BytesTotal!.Value));

        await fleet.AdvanceAsync(TimeSpan.FromMinutes(1));

        box3 = fleet.DevicesOf(id).Single(d => d.DeviceId == "box-3");
        Assert.Equal(RolloutDeviceStates.TimedOut, box3.State);
        Assert.Contains("timed out", box3.Reason);
        Assert.Contains("downloading", box3.Reason);
        Assert.Equal(RolloutStates.Completed, fleet.Rollout(id).State); // 1 of 3 failed, under the threshold
        Assert.Equal(new RolloutCounters(3, 3, 2, 1, 0), fleet.Counters(id));
    }

    [Fact]
    public async Task Paused_releases_no_wave_resume_carries_on_and_rollback_returns_a_completed_rollout()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(3, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, WaveBase: 1, WaveFactor: 1, Window: Window));
        await fleet.TickAsync();
        await fleet.BoxesApplyAsync();
        Assert.Null(await fleet.Engine.ApplyAsync(id, RolloutAction.Pause, CancellationToken.None));
        await fleet.AdvanceAsync(Window * 3);
        Assert.Equal(1, devices.Count(d => fleet.DesiredVersion(d) == "2"));
        Assert.Contains("is paused", await fleet.Engine.ApplyAsync(id, RolloutAction.Pause, CancellationToken.None));

        Assert.Null(await fleet.Engine.ApplyAsync(id, RolloutAction.Resume, CancellationToken.None));
        await fleet.TickAsync();
        Assert.Equal(2, devices.Count(d => fleet.DesiredVersion(d) == "2"));
        Assert.Null(await fleet.Engine.ApplyAsync(id, RolloutAction.Promote, CancellationToken.None));
        await fleet.TickAsync();
        Assert.Equal(3, devices.Count(d => fleet.DesiredVersion(d) == "2"));
        await fleet.BoxesApplyAsync();
        await fleet.AdvanceAsync(Window);
        Assert.Equal(RolloutStates.Completed, fleet.Rollout(id).State);

        Assert.Null(await fleet.Engine.ApplyAsync(id, RolloutAction.Rollback, CancellationToken.None));
        await fleet.TickAsync();
        Assert.Equal(RolloutStates.RolledBack, fleet.Rollout(id).State);
        Assert.All(devices, d => Assert.Equal("1", fleet.DesiredVersion(d)));
        Assert.Equal(new RolloutCounters(3, 3, 0, 0, 3), fleet.Counters(id));
        Assert.Equal(RolloutActions.UnknownRollout(99), await fleet.Engine.ApplyAsync(99, RolloutAction.Abort, CancellationToken.None));
        Assert.Equal([RolloutStates.Running, RolloutStates.Paused, RolloutStates.Running, RolloutStates.Completed, RolloutStates.RolledBack],
            fleet.Notifications.RolloutStates(id));
    }

    [Fact]
    public async Task A_hub_restarted_mid_rollout_carries_on_where_it_was()
    {
        using var directory = new TempDirectory();
        var catalog = new TestCatalog("1", "2");
        long id;
        var clock = InProcessHub.Start;
        await using (var fleet = new RolloutFleet(catalog, directory.Path))
        {
            var devices = await fleet.AddDevicesAsync(4, "1");
            id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, Canary: 1, WaveBase: 3, Window: Window));
            await fleet.TickAsync();
            await fleet.BoxesApplyAsync();
            clock = fleet.Hub.Time.GetUtcNow();
        }

        await using var restarted = new RolloutFleet(catalog, directory.Path);
        restarted.Hub.Time.SetUtcNow(clock);
        await restarted.AdvanceAsync(Window);
        Assert.Equal(4, restarted.DevicesOf(id).Count(d => d.MovedAt is not null));
        await restarted.BoxesApplyAsync();
        await restarted.AdvanceAsync(Window);
        Assert.Equal(RolloutStates.Completed, restarted.Rollout(id).State);
        Assert.Equal(new RolloutCounters(4, 4, 4, 0, 0), restarted.Counters(id));
    }

    [Fact]
    public async Task A_device_offline_during_the_rollout_converges_when_it_comes_back_within_the_timeout()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(3, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, WaveBase: 3, Window: Window, DeviceTimeout: TimeSpan.FromHours(1)));
        await fleet.TickAsync();
        await fleet.BoxesApplyAsync(offline: "box-2");
        await fleet.AdvanceAsync(TimeSpan.FromMinutes(40));
        Assert.Equal(RolloutStates.Running, fleet.Rollout(id).State);
        Assert.Equal(RolloutDeviceStates.Pending, fleet.DevicesOf(id).Single(d => d.DeviceId == "box-2").State);

        await fleet.BoxesApplyAsync(); // back: the retained desired state names 2, it applies it
        await fleet.AdvanceAsync(Window);

        Assert.Equal(RolloutStates.Completed, fleet.Rollout(id).State);
        Assert.Equal(new RolloutCounters(3, 3, 3, 0, 0), fleet.Counters(id));
    }

    [Fact]
    public async Task Ten_rollouts_in_a_row_all_complete_each_superseding_the_last()
    {
        var catalog = new TestCatalog(Enumerable.Range(1, 11).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        await using var fleet = new RolloutFleet(catalog);
        var devices = await fleet.AddDevicesAsync(3, "1", ("site", "north"));
        for (var version = 2; version <= 11; version++)
        {
            var name = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, name, Selector: "site=north", Canary: 1, WaveBase: 2, Window: Window));
            for (var pass = 0; pass < 5 && fleet.Rollout(id).State != RolloutStates.Completed; pass++)
            {
                await fleet.AdvanceAsync(Window);
                await fleet.BoxesApplyAsync();
            }
            Assert.Equal((RolloutStates.Completed, 3), (fleet.Rollout(id).State, fleet.Counters(id).Succeeded));
            Assert.All(devices, d => Assert.Equal(name, fleet.Store.Reported(d)!.ModelVersion));
            Assert.All(fleet.DevicesOf(id), d => Assert.Equal(version == 2 ? "1" : (version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), d.PreviousVersion));
        }
    }

    [Fact]
    public async Task An_alias_resolves_when_the_rollout_starts_and_an_unknown_version_aborts_saying_so()
    {
        var catalog = new TestCatalog("1");
        catalog.Add(RolloutFleet.Model, "3", alias: "production");
        await using var fleet = new RolloutFleet(catalog);
        await fleet.AddDevicesAsync(1, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "production", Devices: ["box-1"]));
        var unknown = fleet.Create(new RolloutRequest(RolloutFleet.Model, "9", Devices: ["box-1"]));
        var nobody = fleet.Create(new RolloutRequest(RolloutFleet.Model, "3", Selector: "site=nowhere"));

        await fleet.TickAsync();

        Assert.Equal(("3", RolloutStates.Running), (fleet.Rollout(id).Version, fleet.Rollout(id).State));
        Assert.Equal(RolloutStates.Aborted, fleet.Rollout(unknown).State);
        Assert.Contains("no version or alias '9'", fleet.Rollout(unknown).Reason);
        Assert.Equal("the target matches no device", fleet.Rollout(nobody).Reason);
    }

    [Fact]
    public async Task A_percentage_picks_the_same_share_of_the_target_every_time()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        await fleet.AddDevicesAsync(40, "1", ("site", "north"));
        var first = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Selector: "site=north", Percent: 50, WaveBase: 40));
        await fleet.TickAsync();
        await fleet.Engine.ApplyAsync(first, RolloutAction.Abort, CancellationToken.None);
        var second = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Selector: "site=north", Percent: 50, WaveBase: 40));
        await fleet.TickAsync();

        var chosen = fleet.DevicesOf(first).Select(d => d.DeviceId).Order().ToList();
        Assert.InRange(chosen.Count, 10, 30);
        Assert.Equal(chosen, fleet.DevicesOf(second).Select(d => d.DeviceId).Order());
    }

    [Fact]
    public async Task A_device_another_active_rollout_is_moving_is_left_out_of_a_newer_one()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2", "3"));
        await fleet.AddDevicesAsync(3, "1");
        var older = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: ["box-1", "box-2"], WaveBase: 2, Window: Window));
        await fleet.TickAsync();
        var newer = fleet.Create(new RolloutRequest(RolloutFleet.Model, "3", Devices: ["box-1", "box-2", "box-3"], WaveBase: 3, Window: Window));
        var blocked = fleet.Create(new RolloutRequest(RolloutFleet.Model, "3", Devices: ["box-1"]));

        await fleet.TickAsync();

        Assert.Equal(["box-3"], fleet.DevicesOf(newer).Select(d => d.DeviceId));
        Assert.Equal(("2", "2", "3"), (fleet.DesiredVersion("box-1"), fleet.DesiredVersion("box-2"), fleet.DesiredVersion("box-3")));
        Assert.Equal("every targeted device is in another active rollout", fleet.Rollout(blocked).Reason);
        Assert.Equal(RolloutStates.Running, fleet.Rollout(older).State);
    }

    [Fact]
    public async Task A_device_queued_for_a_later_wave_of_an_active_rollout_is_left_out_of_a_newer_one()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2", "3"));
        await fleet.AddDevicesAsync(2, "1");
        var older = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: ["box-1", "box-2"], Canary: 1, WaveBase: 1, Window: Window));
        await fleet.TickAsync();
        var queued = fleet.DevicesOf(older).Single(d => d.State == RolloutDeviceStates.Queued).DeviceId;

        var newer = fleet.Create(new RolloutRequest(RolloutFleet.Model, "3", Devices: [queued], WaveBase: 1, Window: Window));
        await fleet.TickAsync();

        Assert.Equal(RolloutStates.Aborted, fleet.Rollout(newer).State);
        Assert.Equal("every targeted device is in another active rollout", fleet.Rollout(newer).Reason);
        Assert.Null(fleet.DesiredVersion(queued));
        await fleet.BoxesApplyAsync();
        await fleet.AdvanceAsync(Window);
        Assert.Equal("2", fleet.DesiredVersion(queued));
    }

    [Fact]
    public async Task A_device_marked_moved_whose_desired_state_was_never_written_is_moved_again()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        await fleet.AddDevicesAsync(1, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: ["box-1"], WaveBase: 1, Window: Window));
        var now = fleet.Hub.Time.GetUtcNow();
        // The hub stopped between the two writes of a move: marked moved in the rollout, the desired state never written.
        fleet.Store.Start(id, "2", fleet.Catalog.Resolve(RolloutFleet.Model, "2")!.ManifestSha256, fleet.Catalog.DownloadSource, [("box-1", 0)], now);
        fleet.Store.MarkMoved(id, "box-1", "1", null, now);
        Assert.Null(fleet.DesiredVersion("box-1"));

        await fleet.TickAsync();

        Assert.Equal(("2", RolloutStore.IdText(id)), (fleet.DesiredVersion("box-1"), fleet.DesiredModelOf("box-1")!.RolloutId));
        await fleet.BoxesApplyAsync();
        await fleet.AdvanceAsync(Window);
        Assert.Equal((RolloutStates.Completed, new RolloutCounters(1, 1, 1, 0, 0)), (fleet.Rollout(id).State, fleet.Counters(id)));
    }

    [Fact]
    public async Task A_device_succeeds_only_once_its_probation_is_over_and_a_rollback_on_probation_counts_as_failed()
    {
        await using var fleet = new RolloutFleet(new TestCatalog("1", "2"));
        var devices = await fleet.AddDevicesAsync(2, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: devices, WaveBase: 1, WaveFactor: 1, Window: Window, ProbationSeconds: 300));
        await fleet.TickAsync();
        var first = fleet.DevicesOf(id).Single(d => d.MovedAt is not null).DeviceId;
        var second = devices.Single(d => d != first);
        await ActiveOnProbationAsync(first);

        await fleet.AdvanceAsync(Window); // through the window, still on probation: the next wave waits
        Assert.Null(fleet.DesiredVersion(second));
        Assert.False(fleet.DevicesOf(id).Single(d => d.DeviceId == first).Succeeded);

        await fleet.AdvanceAsync(TimeSpan.FromMinutes(3)); // probation over
        Assert.True(fleet.DevicesOf(id).Single(d => d.DeviceId == first).Succeeded);
        Assert.Equal("2", fleet.DesiredVersion(second));

        await ActiveOnProbationAsync(second);
        await fleet.AdvanceAsync(Window);
        Assert.Equal(RolloutStates.Running, fleet.Rollout(id).State); // not completed while the last box may still roll back
        await fleet.ReportAsync(second, "1", new ModelDeploymentReport(RolloutFleet.Model, "2", ModelDeploymentState.RolledBack, fleet.Hub.Time.GetUtcNow(),
            RolloutStore.IdText(id), "probation: error rate over the limit", PreviousVersion: "1"));
        await fleet.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(RolloutDeviceStates.RolledBack, fleet.DevicesOf(id).Single(d => d.DeviceId == second).State);
        Assert.Equal(1, fleet.Counters(id).Failed);
        Assert.Equal(RolloutStates.Completed, fleet.Rollout(id).State); // 1 of 2 executed failed, under the abort minimum of 3

        Task ActiveOnProbationAsync(string device)
        {
            var now = fleet.Hub.Time.GetUtcNow();
            return fleet.ReportAsync(device, "2", new ModelDeploymentReport(RolloutFleet.Model, "2", ModelDeploymentState.Active, now, RolloutStore.IdText(id),
                PreviousVersion: "1", ProbationUntil: now.AddMinutes(5)));
        }
    }

    [Fact]
    public async Task Each_wave_gets_the_download_source_the_catalog_names_when_it_is_moved()
    {
        var catalog = new TestCatalog("1", "2");
        await using var fleet = new RolloutFleet(catalog);
        await fleet.AddDevicesAsync(2, "1");
        var id = fleet.Create(new RolloutRequest(RolloutFleet.Model, "2", Devices: ["box-1", "box-2"], Canary: 1, WaveBase: 1, Window: Window));
        await fleet.TickAsync();
        var canary = fleet.DevicesOf(id).Single(d => d.Wave == 0).DeviceId;
        var later = fleet.DevicesOf(id).Single(d => d.Wave == 1).DeviceId;

        catalog.DownloadSource = "https://hub.example.net/";
        await fleet.BoxesApplyAsync();
        await fleet.AdvanceAsync(Window);

        Assert.Equal(("http://hub.test:8080/", "https://hub.example.net/"), (fleet.DesiredModelOf(canary)!.Source, fleet.DesiredModelOf(later)!.Source));
    }
}
