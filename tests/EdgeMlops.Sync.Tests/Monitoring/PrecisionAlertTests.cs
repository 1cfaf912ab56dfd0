using System.Text.Json;
using EdgeMlops.Sync.Tests.Reliability;
using EdgeMlops.Sync.Tests.Support;
using SQLite;

namespace EdgeMlops.Sync.Tests.Monitoring;

/// <summary>
/// Issue 11 end to end, all real processes: one box with a day camera and a night camera (motion proposals), the hub
/// with the simulated reviewer labelling samples from the synthetic truth. The night camera's measured precision falls
/// under the threshold and an alert opens for it, retained on the broker where <c>mosquitto_sub</c> sees it; the day
/// camera beside it, measured on as many samples, raises none; the reviewed precision travels back to the box.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class PrecisionAlertTests
{
    private const string Day = "cam1";
    private const string Night = "cam2";
    private const int MinSamples = 30;

    [Fact]
    public async Task A_night_camera_raises_a_precision_alert_once_enough_samples_are_labelled_and_the_day_camera_beside_it_does_not()
    {
        using var rig = await FleetRig.StartAsync(1, [], _ =>
        [
            "--Hub:Review:SimulatedReviewer:Enabled=true",
            "--Hub:Review:SimulatedReviewer:LabelsPerMinute=1200",
            "--Hub:Review:PublishInterval=00:00:02",
            "--Hub:Alerts:EvaluationInterval=00:00:02",
            $"--Hub:Alerts:MinSamples={MinSamples}",
        ]);
        var box = rig.Agents[0];
        // Half of the confident vehicles sampled too, so that the day camera is reviewed on as many samples as the night
        // one: "no alert" must come from its precision, not from too few labels.
        box.Start(FleetAgent.DefaultCamera,
            $"--Cameras:1:Id={Night}",
            "--Cameras:1:Source=synthetic://highway?condition=night&fps=5&width=320&height=180&seed=11",
            "--Samples:RandomShare=0.5",
            "--Monitoring:Window=00:00:05");
        await rig.WaitUntilStartedAsync();

        JsonElement alert = default;
        await Eventually.HoldsAsync(() =>
            {
                alert = OpenAlerts(rig).FirstOrDefault(a => a.GetProperty("cameraId").GetString() == Night
                                                            && a.GetProperty("rule").GetString() == "measured-precision");
                return alert.ValueKind == JsonValueKind.Object;
            },
            () => $"a measured-precision alert on {Night}; open: {JsonSerializer.Serialize(OpenAlerts(rig))}\n" +
                  $"precision: {Precision(rig, null)}\n{rig.Logs()}", TimeSpan.FromSeconds(240));

        Assert.Equal(box.DeviceId, alert.GetProperty("deviceId").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Equal(FleetRig.V1, alert.GetProperty("modelVersion").GetString());
        Assert.True(alert.GetProperty("samples").GetDouble() >= MinSamples, $"{alert}");
        Assert.True(alert.GetProperty("bound").GetDouble() < 0.40, $"the Wilson upper bound must be under the threshold: {alert}");
        Assert.True(alert.GetProperty("figure").GetDouble() < alert.GetProperty("bound").GetDouble(), $"{alert}");

        // The day camera, measured on at least as many samples, is above the threshold with its whole interval.
        var dayTruth = Assert.Single(MacroFigures(rig, Day), f => f.GetProperty("source").GetString() == "truth");
        Assert.True(dayTruth.GetProperty("samples").GetDouble() >= MinSamples && dayTruth.GetProperty("lower").GetDouble() > 0.40, $"{dayTruth}");
        Assert.DoesNotContain(OpenAlerts(rig), a => a.GetProperty("cameraId").GetString() == Day && a.GetProperty("rule").GetString() == "measured-precision");

        // The reviews alone say the same: the simulated reviewer's labels put night under day.
        await Eventually.HoldsAsync(() => ReviewFigure(rig, Night) is { } night && night.GetProperty("samples").GetDouble() >= MinSamples
                                          && ReviewFigure(rig, Day) is { } d && d.GetProperty("samples").GetDouble() >= MinSamples,
            () => $"reviewed figures for both cameras; {Precision(rig, "review")}", TimeSpan.FromSeconds(120));
        // Reviews count only the samples the box took at random, so they come slower than the truth's figures.
        var reviewedNight = ReviewFigure(rig, Night)!.Value.GetProperty("precision").GetDouble();
        var dayReview = ReviewFigure(rig, Day)!.Value;
        Assert.True(dayReview.GetProperty("lower").GetDouble() > 0.40, $"{dayReview}");
        var reviewedDay = dayReview.GetProperty("precision").GetDouble();
        Assert.True(reviewedNight + 0.2 < reviewedDay, $"reviewed night {reviewedNight:F3} against day {reviewedDay:F3}");

        // Retained for anyone watching the alerts tree (an operator's token on the embedded broker).
        var token = rig.Hub.AddOperator("watcher", "viewer");
        var port = new Uri(rig.Hub.BrokerUrl).Port;
        var topic = $"edgemlops/v1/alerts/measured-precision/{box.DeviceId}/{Night}/{FleetRig.ModelName}";
        var (exit, output, error) = await MosquittoSub.RetainedAsync(port, "operator:watcher", "watcher", token, "edgemlops/v1/alerts/#");
        Assert.True(output.Contains(topic, StringComparison.Ordinal), $"mosquitto_sub exited {exit}, printed:\n{output}\n{error}");
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith($"edgemlops/v1/alerts/measured-precision/{box.DeviceId}/{Day}/", StringComparison.Ordinal));

        // The reviewed precision reaches the box, which echoes it in its reported state.
        await Eventually.HoldsAsync(() => ReportedReviewedCameras(rig, box).Contains(Night),
            () => $"{box.DeviceId} to report reviewedPrecision for {Night}\n{rig.Logs()}", TimeSpan.FromSeconds(60));
    }

    /// <summary>The open alerts as published (each view's <c>alert</c>).</summary>
    private static List<JsonElement> OpenAlerts(FleetRig rig) =>
        Get(rig, "/api/alerts?state=open").EnumerateArray().Select(view => view.GetProperty("alert")).ToList();

    private static IEnumerable<JsonElement> MacroFigures(FleetRig rig, string camera) =>
        Get(rig, $"/api/precision?device=box-1&camera={camera}").GetProperty("figures").EnumerateArray()
            .Where(f => f.GetProperty("metric").GetString() == "macro").ToList();

    private static JsonElement? ReviewFigure(FleetRig rig, string camera) =>
        MacroFigures(rig, camera).Where(f => f.GetProperty("source").GetString() == "review").Cast<JsonElement?>().FirstOrDefault();

    private static string Precision(FleetRig rig, string? source) =>
        Get(rig, "/api/precision?device=box-1" + (source is null ? "" : $"&source={source}")).ToString();

    private static JsonElement Get(FleetRig rig, string path)
    {
        using var response = rig.Api.GetAsync(path).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    private static IReadOnlyList<string> ReportedReviewedCameras(FleetRig rig, FleetAgent box)
    {
        using var db = new SQLiteConnection(rig.Hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        var reported = db.ExecuteScalar<string?>("SELECT reported_json FROM devices WHERE id = ?", box.DeviceId);
        if (reported is null)
            return [];
        using var json = JsonDocument.Parse(reported);
        return json.RootElement.TryGetProperty("reviewedPrecision", out var cameras) && cameras.ValueKind == JsonValueKind.Array
            ? cameras.EnumerateArray().Select(c => c.GetProperty("cameraId").GetString()!).ToList()
            : [];
    }
}
