using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Alerts;

public sealed class AlertEngineTests
{
    [Fact]
    public async Task A_night_camera_under_the_threshold_opens_a_critical_alert_with_its_evidence_and_the_day_camera_beside_it_does_not()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        bench.Reader.Set("box-1", "day", "1", correct: 90, predicted: 100);

        var pass = await bench.EvaluateAsync();

        Assert.Equal(1, pass.Opened);
        var alert = Assert.Single(bench.Store.List());
        Assert.Equal((AlertRules.MeasuredPrecision, AlertSeverities.Critical, AlertStates.Open), (alert.Rule, alert.Severity, alert.State));
        Assert.Equal(("box-1", "night", "vehicle-classifier", "1", PrecisionFigure.Macro), (alert.DeviceId, alert.CameraId, alert.ModelName, alert.ModelVersion, alert.Metric));
        Assert.Equal(0.30, alert.Figure, 9);
        Assert.Equal(WilsonInterval.Of(30, 100).Upper, alert.Bound, 9);
        Assert.Equal((0.40, 100L), (alert.Threshold, alert.Samples));
        var message = alert.ToMessage();
        Assert.Equal(TimeSpan.FromHours(1), message.WindowEnd - message.WindowStart);
        Assert.Equal(bench.Now, message.WindowEnd);
        Assert.Equal("/api/review/samples?device=box-1&camera=night&model=vehicle-classifier", message.SamplesLink);
        var opened = Assert.Single(bench.Store.History(alert.Id));
        Assert.Equal((AlertTransitions.Opened, AlertTransitions.RuleActor), (opened.Transition, opened.Actor));
        var notification = Assert.Single(bench.Notifications.All);
        Assert.Equal((AlertNotificationKinds.Opened, $"alert:{alert.Id}"), (notification.Kind, notification.Subject));
        Assert.Equal("night", notification.Detail.GetProperty("alert").GetProperty("cameraId").GetString());
    }

    [Fact]
    public async Task A_low_figure_on_few_samples_does_not_fire_until_enough_are_labelled()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 0, predicted: 20);
        Assert.Equal(0, (await bench.EvaluateAsync()).Opened);

        // 30% of 50: the upper bound (43.8%) does not establish "under 40%" yet; 30% of 100 does (39.6%).
        bench.Reader.Set("box-1", "night", "1", correct: 15, predicted: 50);
        Assert.Equal(0, (await bench.EvaluateAsync()).Opened);
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        Assert.Equal(1, (await bench.EvaluateAsync()).Opened);
    }

    [Fact]
    public async Task An_alert_is_acknowledged_stays_through_the_hysteresis_band_resolves_on_recovery_and_a_new_one_opens_only_after()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await bench.EvaluateAsync();
        var id = Assert.Single(bench.Store.List()).Id;

        // Still firing: the same alert, refreshed, never a second one for the key.
        bench.Reader.Set("box-1", "night", "1", correct: 25, predicted: 100);
        Assert.Equal(new AlertPass(0, 0, 1), await bench.EvaluateAsync());
        Assert.Equal(0.25, Assert.Single(bench.Store.List()).Figure, 9);

        Assert.Null(bench.Act(id, AlertAction.Acknowledge, "alice", "looking at the night camera"));
        Assert.NotNull(bench.Act(id, AlertAction.Acknowledge, "bob", null)); // only an open alert can be acknowledged

        // Lower bound 40.4%: over the threshold, but not over threshold + hysteresis (45%).
        bench.Reader.Set("box-1", "night", "1", correct: 50, predicted: 100);
        Assert.Equal(new AlertPass(0, 0, 0), await bench.EvaluateAsync());
        Assert.Equal(AlertStates.Acknowledged, bench.Store.Get(id)!.State);

        bench.Reader.Set("box-1", "night", "1", correct: 60, predicted: 100);
        Assert.Equal(1, (await bench.EvaluateAsync()).Resolved);
        var resolved = bench.Store.Get(id)!;
        Assert.Equal((AlertStates.Resolved, AlertTransitions.RuleActor, "recovered"), (resolved.State, resolved.StateBy, resolved.Note));
        Assert.Equal(WilsonInterval.Of(60, 100).Lower, resolved.Bound, 9);
        Assert.Equal(
            [(AlertTransitions.Opened, AlertTransitions.RuleActor), (AlertTransitions.Acknowledged, "alice"), (AlertTransitions.Resolved, AlertTransitions.RuleActor)],
            bench.Store.History(id).Select(e => (e.Transition, e.Actor)));
        Assert.Equal([AlertNotificationKinds.Opened, AlertNotificationKinds.Acknowledged, AlertNotificationKinds.Resolved], bench.Notifications.All.Select(n => n.Kind));

        bench.Reader.Set("box-1", "night", "1", correct: 20, predicted: 100);
        await bench.EvaluateAsync();
        var alerts = bench.Store.List();
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(id, alerts[0].Id);
        Assert.Equal(AlertStates.Open, alerts[0].State);
    }

    [Fact]
    public async Task A_new_model_version_resolves_an_alert_only_once_its_own_figures_recover()
    {
        await using var bench = new AlertBench();
        bench.Serves("box-1", "1");
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await bench.EvaluateAsync();
        var id = Assert.Single(bench.Store.List()).Id;

        // The camera now runs version 2 with a handful of good labels: not enough to say it recovered.
        bench.Serves("box-1", "2");
        bench.Reader.Set("box-1", "night", "2", correct: 10, predicted: 10);
        await bench.EvaluateAsync();
        Assert.Equal((AlertStates.Open, "1"), (bench.Store.Get(id)!.State, bench.Store.Get(id)!.ModelVersion));

        bench.Reader.Set("box-1", "night", "2", correct: 80, predicted: 100);
        await bench.EvaluateAsync();
        var resolved = bench.Store.Get(id)!;
        Assert.Equal((AlertStates.Resolved, "2"), (resolved.State, resolved.ModelVersion));
        Assert.Equal("recovered on model version 2 (opened for 1)", resolved.Note);
    }

    [Fact]
    public async Task Estimated_precision_and_drift_open_warnings()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "fog", "1", correct: 20.5, predicted: 100, source: PrecisionSources.Estimated);
        bench.Reader.SetDrift("box-1", "fog", "1", new DriftSignals(200, ClassMixPsi: 0.04, ClassMixJs: 0.02, ConfidencePsi: 0.23, ConfidenceJs: 0.05));

        Assert.Equal(2, (await bench.EvaluateAsync()).Opened);

        var alerts = bench.Store.List().OrderBy(a => a.Rule).ToList();
        Assert.Equal([(AlertRules.Drift, AlertSeverities.Warning), (AlertRules.EstimatedPrecision, AlertSeverities.Warning)], alerts.Select(a => (a.Rule, a.Severity)));
        Assert.Equal(("confidencePsi", 0.23, 0.1, 200L), (alerts[0].Metric, alerts[0].Figure, alerts[0].Threshold, alerts[0].Samples));
    }

    [Fact]
    public async Task Tag_and_model_thresholds_from_configuration_decide_which_camera_fires()
    {
        await using var bench = new AlertBench(new Dictionary<string, string?>
        {
            ["Hub:Alerts:Thresholds:Tags:site:north"] = "0.5",
            ["Hub:Alerts:Thresholds:Models:strict-model"] = "0.6",
        });
        bench.Hub.Enroll("box-n");
        bench.Hub.Get<DeviceTags>().Set("box-n", "site", "north");
        // 40% of 100: upper bound 49.8%, under 0.5 (north) but not under 0.4 (global).
        bench.Reader.Set("box-n", "cam", "1", correct: 40, predicted: 100);
        bench.Reader.Set("box-s", "cam", "1", correct: 40, predicted: 100);
        bench.Reader.Set("box-s", "cam", "1", correct: 50, predicted: 100, model: "strict-model");

        await bench.EvaluateAsync();

        Assert.Equal([("box-n", "vehicle-classifier", 0.5), ("box-s", "strict-model", 0.6)],
            bench.Store.List().OrderBy(a => a.DeviceId).Select(a => (a.DeviceId, a.ModelName, a.Threshold)));
    }

    [Fact]
    public async Task A_restarted_hub_carries_on_with_the_alerts_it_had()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await bench.EvaluateAsync();
        var id = Assert.Single(bench.Store.List()).Id;

        await bench.ReopenAsync();
        Assert.Equal(new AlertPass(0, 0, 1), await bench.EvaluateAsync());
        Assert.Empty(bench.Notifications.All); // nothing opened twice

        bench.Reader.Set("box-1", "night", "1", correct: 70, predicted: 100);
        Assert.Equal(1, (await bench.EvaluateAsync()).Resolved);
        Assert.Equal(AlertStates.Resolved, bench.Store.Get(id)!.State);
        Assert.Single(bench.Store.List());
    }

    [Fact]
    public async Task Resolving_by_hand_needs_a_note_and_is_audited()
    {
        await using var bench = new AlertBench();
        bench.Reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await bench.EvaluateAsync();
        var id = Assert.Single(bench.Store.List()).Id;

        Assert.StartsWith("note:", bench.Act(id, AlertAction.Resolve, "alice", " "));
        Assert.Null(bench.Act(id, AlertAction.Resolve, "alice", "camera replaced"));
        Assert.Equal("no alert 99", bench.Act(99, AlertAction.Acknowledge, "alice", null));

        var entries = bench.Hub.Get<EdgeMlops.CloudHub.Operators.AuditLog>().Page(null, 10);
        Assert.Equal(["refused: no alert 99", "ok", "refused: note: resolving by hand needs a note saying why (the rule resolves by itself once the figure recovers)"],
            entries.Select(e => e.Outcome));
        Assert.All(entries, e => Assert.Equal("alice", e.Actor));
        Assert.Equal((AlertStates.Resolved, "alice", "camera replaced"), (bench.Store.Get(id)!.State, bench.Store.Get(id)!.StateBy, bench.Store.Get(id)!.Note));
    }

    [Fact]
    public async Task The_per_alert_gauge_lists_at_most_the_configured_number_of_alerts_critical_first()
    {
        await using var bench = new AlertBench(new Dictionary<string, string?> { ["Hub:Alerts:MaxAlertSeries"] = "2" });
        bench.Reader.Set("box-1", "fog", "1", correct: 20, predicted: 100, source: PrecisionSources.Estimated);
        for (var camera = 1; camera <= 3; camera++)
            bench.Reader.Set("box-1", $"cam-{camera}", "1", correct: 20, predicted: 100);
        await bench.EvaluateAsync();

        var writer = new EdgeMlops.Observability.PrometheusTextWriter();
        bench.Hub.Get<AlertMetrics>().WriteMetrics(writer);
        var lines = writer.ToString().Split('\n');

        Assert.Contains("edgemlops_alerts_open{severity=\"critical\",rule=\"measured-precision\"} 3", lines);
        Assert.Contains("edgemlops_alerts_open{severity=\"warning\",rule=\"estimated-precision\"} 1", lines);
        var series = lines.Where(l => l.StartsWith("edgemlops_alert_figure{", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, series.Count);
        Assert.All(series, l => Assert.Contains("rule=\"measured-precision\"", l));
        Assert.Contains("edgemlops_alert_figure_series_omitted 2", lines);
    }
}
