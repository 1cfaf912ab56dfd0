using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Tests.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using static EdgeMlops.CloudHub.Tests.Monitoring.PrecisionPayloads;

namespace EdgeMlops.CloudHub.Tests.Monitoring;

/// <summary>Figures aggregated from real rows: reports stored through ingest, reviews written into review_outcomes.</summary>
public sealed class PrecisionReaderTests : EnrolledDeviceIngestTests
{
    private IPrecisionReader Reader => Hub.Get<IPrecisionReader>();

    private static readonly DateTimeOffset Day = Payloads.Time0;

    private async Task Store(params PrecisionReport[] reports)
    {
        var result = await Ingest(Batch(Device, Epoch, NextSeq(reports.Length), reports));
        Assert.Equal((IngestStatus.Stored, reports.Length), (result.Status, result.Stored));
    }

    private long _seq;

    private long NextSeq(int count)
    {
        var first = _seq + 1;
        _seq += count;
        return first;
    }

    [Fact]
    public async Task Class_figures_sum_the_reports_and_macro_is_the_mean_of_the_classes()
    {
        await Store(
            Report(Device, 0, Classes(("car", 10, 8), ("truck", 4, 1))),
            Report(Device, 1, Classes(("car", 10, 9), ("bus", 2, 2))),
            Report(Device, 2, Classes(("car", 5, 5)), camera: "cam-2"));

        var figures = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, "cam-1", By: PrecisionGrouping.Class));

        Assert.Equal(["macro", "class:bus", "class:car", "class:truck"], figures.Select(f => f.Metric));
        var car = figures.Single(f => f.Metric == "class:car");
        Assert.Equal((20.0, 17.0, 0.85), (car.Samples, car.Correct, car.Precision));
        var carInterval = WilsonInterval.Of(17, 20);
        Assert.Equal((carInterval.Lower, carInterval.Upper), (car.Lower, car.Upper));
        var macro = figures[0];
        Assert.Equal((26.0, 20.0), (macro.Samples, macro.Correct));
        Assert.Equal((1.0 + 0.85 + 0.25) / 3, macro.Precision, 12);
        var interval = WilsonInterval.OfMean([(2, 2), (17, 20), (1, 4)]);
        Assert.Equal(interval.Lower, macro.Lower, 12);
        Assert.Equal(interval.Upper, macro.Upper, 12);
        Assert.All(figures, f => Assert.Equal((Device, "cam-1", Model, "1.0.0", PrecisionSources.Truth), (f.DeviceId, f.CameraId, f.ModelName, f.ModelVersion, f.Source)));
        Assert.All(figures, f => Assert.Equal((Day, Day.AddHours(1)), (f.From, f.To)));
    }

    [Fact]
    public async Task Total_gives_one_macro_per_camera_version_and_source()
    {
        await Store(
            Report(Device, 0, Classes(("car", 10, 5))),
            Report(Device, 0, Classes(("car", 10, 10)), version: "2.0.0"),
            Report(Device, 0, Classes(("car", 10, 7.5)), source: PrecisionSources.Estimated),
            Report(Device, 0, Classes(("car", 4, 4)), source: PrecisionSources.Canary),
            Report(Device, 0, Classes(("car", 3, 3)), camera: "cam-2"));

        var figures = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device));

        Assert.All(figures, f => Assert.Equal(PrecisionFigure.Macro, f.Metric));
        Assert.Equal(
            [(null, "1.0.0", "canary", 1.0), ("cam-1", "1.0.0", "estimated", 0.75), ("cam-1", "1.0.0", "truth", 0.5), ("cam-1", "2.0.0", "truth", 1.0), ("cam-2", "1.0.0", "truth", 1.0)],
            figures.Select(f => (f.CameraId, f.ModelVersion, f.Source, f.Precision)));
        var onlyTruth = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, "cam-1", ModelVersion: "1.0.0", Source: PrecisionSources.Truth));
        Assert.Equal(0.5, Assert.Single(onlyTruth).Precision);
    }

    [Fact]
    public async Task Windows_bucket_reports_by_the_hour_their_window_starts_in()
    {
        await Store(
            Report(Device, 0, Classes(("car", 10, 10))),
            Report(Device, 59, Classes(("car", 10, 0))),
            Report(Device, 60, Classes(("car", 10, 3))),
            Report(Device, 180, Classes(("car", 10, 6))),
            Report(Device, 240, Classes(("car", 10, 6))));

        var figures = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(4), Device, "cam-1", By: PrecisionGrouping.Window));

        Assert.Equal([(Day, 0.5, 20.0), (Day.AddHours(1), 0.3, 10.0), (Day.AddHours(3), 0.6, 10.0)],
            figures.Select(f => (f.From, f.Precision, f.Samples)));
        Assert.All(figures, f => Assert.Equal(f.From.AddHours(1), f.To));
        var quarters = Reader.Figures(new PrecisionQuery(Day, Day.AddMinutes(90), Device, By: PrecisionGrouping.Window, Bucket: TimeSpan.FromMinutes(45)));
        Assert.Equal([(Day, 45.0), (Day.AddMinutes(45), 90.0)], quarters.Select(f => (f.From, (f.To - Day).TotalMinutes)));
    }

    [Fact]
    public void Reviews_count_labelled_samples_and_a_false_detection_is_wrong()
    {
        var at = Day.AddMinutes(5);
        Outcome(Hub.Database, Device, 1, "cam-1", "car", "car", at);
        Outcome(Hub.Database, Device, 2, "cam-1", "car", "van", at);
        Outcome(Hub.Database, Device, 3, "cam-1", "car", ReviewLabels.NotAVehicle, at);
        Outcome(Hub.Database, Device, 4, "cam-1", "truck", "truck", at);
        Outcome(Hub.Database, Device, 5, "cam-1", "car", null, at, state: "unsure");
        Outcome(Hub.Database, Device, 6, "cam-1", "car", null, at, state: "conflict");
        Outcome(Hub.Database, Device, 7, "cam-1", "car", "car", Day.AddHours(2));
        Outcome(Hub.Database, Device, 8, "cam-2", "car", "car", at);

        var figures = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, "cam-1", Source: PrecisionSources.Review, By: PrecisionGrouping.Class));

        Assert.Equal([("macro", 4.0, 2.0), ("class:car", 3.0, 1.0), ("class:truck", 1.0, 1.0)],
            figures.Select(f => (f.Metric, f.Samples, f.Correct)));
        Assert.Equal((1.0 / 3 + 1) / 2, figures[0].Precision, 12);
        Assert.All(figures, f => Assert.Equal(PrecisionSources.Review, f.Source));
        var device = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, Source: PrecisionSources.Review));
        Assert.Equal(["cam-1", "cam-2"], device.Select(f => f.CameraId));
    }

    [Fact]
    public void Only_samples_taken_at_random_measure_precision_hard_examples_would_measure_it_far_too_low()
    {
        var at = Day.AddMinutes(5);
        Outcome(Hub.Database, Device, 1, "cam-1", "car", "car", at);
        Outcome(Hub.Database, Device, 2, "cam-1", "car", "car", at);
        Outcome(Hub.Database, Device, 3, "cam-1", "car", ReviewLabels.NotAVehicle, at, reason: SampleReasons.LowConfidence);
        Outcome(Hub.Database, Device, 4, "cam-1", "car", "van", at, reason: SampleReasons.NeedsReview);
        Outcome(Hub.Database, Device, 5, "cam-1", "car", "truck", at, reason: SampleReasons.VoteDisagreement);

        var macro = Assert.Single(Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, "cam-1", Source: PrecisionSources.Review)));

        Assert.Equal((2.0, 2.0, 1.0), (macro.Samples, macro.Correct, macro.Precision));
    }

    [Fact]
    public async Task Every_source_together_puts_reviews_beside_the_reports()
    {
        await Store(Report(Device, 0, Classes(("car", 10, 5))));
        Outcome(Hub.Database, Device, 1, "cam-1", "car", "car", Day);

        var figures = Reader.Figures(new PrecisionQuery(Day, Day.AddHours(1), Device));

        Assert.Equal([(PrecisionSources.Truth, 0.5), (PrecisionSources.Review, 1.0)], figures.Select(f => (f.Source, f.Precision)));
    }

    [Fact]
    public async Task Drift_is_the_event_weighted_mean_of_the_reports_signals()
    {
        await Store(
            Report(Device, 0, Classes(("car", 30, 20)), source: PrecisionSources.Estimated,
                drift: new DriftSignals(30, 0.1, 0.2, 0.3, 0.4, MeanBrightness: 100)),
            Report(Device, 1, Classes(("car", 10, 5)), source: PrecisionSources.Estimated,
                drift: new DriftSignals(10, 0.5, 0.6, 0.7, 0.8, MeanBrightness: 20, MeanBoxArea: 0.1)),
            Report(Device, 2, Classes(("car", 10, 5)), source: PrecisionSources.Estimated),
            Report(Device, 3, Classes(("car", 10, 5)), source: PrecisionSources.Estimated, camera: "cam-2",
                drift: new DriftSignals(5, 1, 1, 1, 1)));

        var drift = Reader.Drift(Day, Day.AddHours(1), Device, "cam-1");

        var figure = Assert.Single(drift);
        Assert.Equal(("cam-1", Model, "1.0.0", 40L), (figure.CameraId, figure.ModelName, figure.ModelVersion, figure.Signals.Events));
        Assert.Equal(0.2, figure.Signals.ClassMixPsi, 12);
        Assert.Equal(0.3, figure.Signals.ClassMixJs, 12);
        Assert.Equal(0.4, figure.Signals.ConfidencePsi, 12);
        Assert.Equal(0.5, figure.Signals.ConfidenceJs, 12);
        Assert.Equal(80, figure.Signals.MeanBrightness!.Value, 12);
        Assert.Equal(0.1, figure.Signals.MeanBoxArea!.Value, 12);
        Assert.Null(figure.Signals.MeanContrast);
        Assert.Equal(["cam-1", "cam-2"], Reader.Drift(Day, Day.AddHours(1), Device).Select(d => d.CameraId));
    }

    [Fact]
    public void An_empty_window_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Reader.Figures(new PrecisionQuery(Day, Day)));
    }
}
