using Microsoft.Extensions.Logging;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

public sealed class GroundTruthFeedTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly MonitorRig _rig = new();
    private readonly FakeLogger<GroundTruthFeedScorer> _scorerLog = new();
    private readonly GroundTruthFeedScorer _scorer;

    public GroundTruthFeedTests() => _scorer = new GroundTruthFeedScorer("box-07", ["cam1", "cam2"], Window, _scorerLog);

    public void Dispose() => _rig.Dispose();

    private void Saw(string camera, double atSecond, string label, string version = "1.0.0") =>
        _scorer.Record(camera, new FeedEvent(T0.AddSeconds(atSecond - 1), T0.AddSeconds(atSecond), label, "vehicle-classifier", version));

    [Fact]
    public void A_counter_window_scores_min_of_counted_and_predicted_per_class_once_the_camera_has_passed_it()
    {
        for (int i = 0; i < 10; i++) Saw("cam1", 10 + i, i < 7 ? "car" : "van"); // 7 cars, 3 vans predicted
        Saw("cam1", 200, "car"); // after the counter's window
        _scorer.Add(new FeedCounts("cam1", T0, T0.AddSeconds(120), new Dictionary<string, long> { ["car"] = 5, ["van"] = 4 }));

        _scorer.Advance("cam1", T0.AddSeconds(150));
        Assert.Empty(_scorer.ScoreReady()); // vehicles in view at the window's end may still be reported
        _scorer.Advance("cam1", T0.AddSeconds(180));
        var report = Assert.Single(_scorer.ScoreReady());

        Assert.Equal((PrecisionSources.Feed, "cam1", "1.0.0", T0, T0.AddSeconds(120)),
            (report.Source, report.CameraId!, report.ModelVersion, report.WindowStart, report.WindowEnd));
        Assert.Equal(new ClassPrecision(7, 5), report.Classes["car"]); // at most 5 of the 7 cars were cars
        Assert.Equal(new ClassPrecision(3, 3), report.Classes["van"]);
        Assert.Equal(0, _scorer.Pending);
    }

    [Fact]
    public void Per_event_labels_score_the_event_seen_at_their_time_one_report_per_window()
    {
        Saw("cam1", 10, "car");
        Saw("cam1", 20, "car");
        Saw("cam1", 30, "van");
        Saw("cam1", 70, "bus");
        _scorer.Add(new FeedLabel("cam1", T0.AddSeconds(9.5), "car"));
        _scorer.Add(new FeedLabel("cam1", T0.AddSeconds(20.4), "not-a-vehicle"));
        _scorer.Add(new FeedLabel("cam1", T0.AddSeconds(30), "truck"));
        _scorer.Add(new FeedLabel("cam1", T0.AddSeconds(45), "car")); // nothing reported then: recall, not precision
        _scorer.Add(new FeedLabel("cam1", T0.AddSeconds(70), "bus"));

        _scorer.Advance("cam1", T0.AddSeconds(200));
        var reports = _scorer.ScoreReady().ToDictionary(r => r.WindowStart);

        Assert.Equal(2, reports.Count);
        Assert.Equal(new ClassPrecision(2, 1), reports[T0].Classes["car"]);
        Assert.Equal(new ClassPrecision(1, 0), reports[T0].Classes["van"]);
        Assert.Equal(new ClassPrecision(1, 1), reports[T0.AddSeconds(60)].Classes["bus"]);
        Assert.Equal(T0.AddSeconds(60), reports[T0].WindowEnd);
    }

    [Fact]
    public void A_counter_window_across_a_model_swap_or_for_another_camera_is_not_scored()
    {
        Saw("cam1", 10, "car", "1.0.0");
        Saw("cam1", 20, "car", "2.0.0");
        _scorer.Add(new FeedCounts("cam1", T0, T0.AddSeconds(60), new Dictionary<string, long> { ["car"] = 2 }));
        Assert.False(_scorer.Add(new FeedCounts("cam9", T0, T0.AddSeconds(60), new Dictionary<string, long> { ["car"] = 2 })));

        Assert.Empty(_scorer.ScoreReady(all: true));
        Assert.Contains(_scorerLog.Collector.GetSnapshot(), r => r.Message.Contains("spans 2 model versions"));
        Assert.Contains(_scorerLog.Collector.GetSnapshot(), r => r.Message.Contains("camera cam9, which this box does not have"));
    }

    [Fact]
    public async Task The_feed_file_is_read_as_it_grows_and_a_bad_line_costs_one_warning_naming_file_and_line()
    {
        var path = Path.Combine(_rig.Directory, "feed.jsonl");
        await File.WriteAllTextAsync(path,
            $$$"""
            {"camera":"cam1","from":"{{{T0:o}}}","to":"{{{T0.AddSeconds(60):o}}}","counts":{"car":1}}
            this is not json
            {"camera":"cam1","time":"{{{T0.AddSeconds(70):o}}}","lab
            """);
        var log = new FakeLogger<GroundTruthFeedService>();
        var service = new GroundTruthFeedService(
            Microsoft.Extensions.Options.Options.Create(new MonitoringOptions { GroundTruthFeed = path }), _scorer, _rig.Writer,
            new FakeTimeProvider(T0), log);
        var file = new GroundTruthFeedFile(path);
        Saw("cam1", 10, "car");
        Saw("cam1", 20, "car");
        Saw("cam1", 70, "van");
        _scorer.Advance("cam1", T0.AddSeconds(200));

        await service.PassAsync(file, final: false, CancellationToken.None);

        var counter = Assert.Single(_rig.Reports());
        Assert.Equal(new ClassPrecision(2, 1), counter.Classes["car"]);
        var warning = Assert.Single(log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains($"{Path.GetFullPath(path)} line 2 is skipped: not valid JSON", warning.Message);

        // The half-written third line is finished, and another appended.
        await File.AppendAllTextAsync(path, $$$"""
            el":"truck"}
            {"camera":"cam1","time":"{{{T0.AddSeconds(10):o}}}","label":"car"}

            """);
        await service.PassAsync(file, final: false, CancellationToken.None);

        var labels = _rig.Reports().ToDictionary(r => r.WindowStart);
        Assert.Equal(new ClassPrecision(1, 0), labels[T0.AddSeconds(60)].Classes["van"]);
        Assert.Equal(new ClassPrecision(1, 1), labels[T0].Classes["car"]);
        Assert.Single(log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Fact]
    public void A_feed_file_that_cannot_be_read_at_start_fails_the_options_naming_it()
    {
        var missing = Path.Combine(_rig.Directory, "no-such-feed.jsonl");

        var problems = new MonitoringOptions { GroundTruthFeed = missing }.FindProblems();

        var problem = Assert.Single(problems);
        Assert.Contains($"Monitoring:GroundTruthFeed: cannot read '{missing}'", problem);
        Assert.Empty(new MonitoringOptions().FindProblems());
    }
}
