using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;
using static EdgeMlops.CloudHub.Tests.Monitoring.PrecisionPayloads;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class PrecisionIngestTests : EnrolledDeviceIngestTests
{
    private static readonly DateTimeOffset Day = Payloads.Time0;

    private long CountRows() => Hub.Database.Read(c => c.ExecuteScalar<long>("SELECT count(*) FROM precision_counts"));

    [Fact]
    public async Task A_report_is_stored_with_a_row_per_class_and_a_redelivery_counts_nothing_twice()
    {
        var batch = Batch(Device, Epoch, 1,
            Report(Device, 0, Classes(("car", 10, 8), ("truck", 4, 1))),
            Report(Device, 1, Classes(("car", 10, 9))));

        var first = await Ingest(batch);
        var again = await Ingest(batch);

        Assert.Equal(new IngestResult(IngestStatus.Stored, 2, 0, 0, null), first);
        Assert.Equal(new IngestResult(IngestStatus.Stored, 0, 2, 0, null), again);
        Assert.Equal([1L, 2], Hub.Seqs("precision_reports", Device));
        Assert.Equal(3, CountRows());
        var car = Hub.Get<IPrecisionReader>().Figures(new PrecisionQuery(Day, Day.AddHours(1), Device, By: PrecisionGrouping.Class))
            .Single(f => f.Metric == "class:car");
        Assert.Equal((20.0, 17.0), (car.Samples, car.Correct));
        var precision = Assert.Single(Hub.IngestMetrics.Snapshot().Records, r => r.Kind == OutboxKinds.Precision);
        Assert.Equal((2L, 2L), (precision.Stored, precision.Duplicates));
        var device = Hub.Store.Device(Device)!;
        Assert.Equal((Epoch, 2L), (device.DataEpoch, device.HighestSeq));
    }

    [Fact]
    public async Task Reports_travel_beside_events_and_a_canary_report_has_no_camera()
    {
        var batch = Payloads.Batch(Device, Epoch, [
            Payloads.EventRecord(Device, 1),
            Record(2, Report(Device, 0, Classes(("car", 20, 19)), source: PrecisionSources.Canary)),
            Payloads.EventRecord(Device, 3)]);

        var result = await Ingest(batch);

        Assert.True(result.Stored == 3, result.Reason);
        Assert.Equal([1L, 3], Hub.Seqs("events", Device));
        Assert.Equal("", Hub.Database.Read(c => c.ExecuteScalar<string>("SELECT camera_id FROM precision_reports WHERE seq = 2")));
        var canary = Assert.Single(Hub.Get<IPrecisionReader>().Figures(new PrecisionQuery(Day, Day.AddHours(1), Device)));
        Assert.Equal((null, PrecisionSources.Canary, 0.95), (canary.CameraId, canary.Source, canary.Precision));
    }

    [Fact]
    public async Task A_report_off_the_fast_path_is_read_the_thorough_way_and_stored_byte_for_byte()
    {
        var report = Report(Device, 0, Classes(("car", 4, 3)));
        var versionLast = Json(report).Replace("{\"v\":1,", "{")[..^1] + ", \"v\" : 1 }";

        var result = await Ingest(Payloads.Batch(Device, Epoch, [Record(1, report) with { PayloadJson = versionLast }]));

        Assert.Equal((1, 0), (result.Stored, result.RejectedRecords));
        Assert.Equal(versionLast, Hub.Database.Read(c => c.ExecuteScalar<string>("SELECT payload FROM precision_reports")));
        Assert.Equal(1, CountRows());
    }

    [Fact]
    public async Task A_malformed_report_is_refused_alone_and_counted()
    {
        var overCorrect = Json(Report(Device, 1, Classes(("car", 3, 4))));
        var reviewFromBox = Json(Report(Device, 2, Classes(("car", 3, 3)), source: PrecisionSources.Review));
        var batch = Payloads.Batch(Device, Epoch, [
            Record(1, Report(Device, 0, Classes(("car", 3, 2)))),
            new RawOutboxRecord(2, OutboxKinds.Precision, Day, overCorrect),
            new RawOutboxRecord(3, OutboxKinds.Precision, Day, reviewFromBox)]);

        var result = await Ingest(batch);

        Assert.Equal((1, 2), (result.Stored, result.RejectedRecords));
        Assert.Contains("record seq 2", result.Reason);
        Assert.Contains("correct is over predicted", result.Reason);
        Assert.Equal([1L], Hub.Seqs("precision_reports", Device));
        Assert.Equal(1, CountRows());
        Assert.Equal(2, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.Invalid)));
    }

    [Fact]
    public async Task A_clones_report_under_a_stored_key_is_a_conflict_and_its_counts_are_not_added()
    {
        await Ingest(Batch(Device, Epoch, 1, Report(Device, 0, Classes(("car", 10, 8)))));

        var clone = await Ingest(Batch(Device, Epoch, 1, Report(Device, 0, Classes(("car", 10, 1)))));

        Assert.Equal((0, 0, 1), (clone.Stored, clone.Duplicates, clone.Conflicts));
        Assert.Contains(CloneEvidence.ConditionName, clone.Reason);
        var conflict = Assert.Single(Hub.Get<CloneEvidence>().Conflicts(Device, 10));
        Assert.Equal((1L, OutboxKinds.Precision), (conflict.Seq, conflict.Kind));
        Assert.Equal(8.0, Hub.Database.Read(c => c.ExecuteScalar<double>("SELECT sum(correct) FROM precision_counts")));
    }

    [Fact]
    public async Task A_clones_report_where_an_event_is_stored_is_a_conflict_and_so_is_an_event_where_a_report_is()
    {
        await Ingest(Payloads.Batch(Device, Epoch, [Payloads.EventRecord(Device, 1), Record(2, Report(Device, 0, Classes(("car", 1, 1))))]));

        var report = await Ingest(Batch(Device, Epoch, 1, Report(Device, 5, Classes(("car", 2, 2)))));
        var @event = await Ingest(Payloads.Batch(Device, Epoch, [Payloads.EventRecord(Device, 2)]));

        Assert.Equal((0, 1), (report.Stored, report.Conflicts));
        Assert.Equal((0, 1), (@event.Stored, @event.Conflicts));
        Assert.Equal([1L], Hub.Seqs("events", Device));
        Assert.Equal(1, CountRows());
    }

    [Fact]
    public async Task The_gauge_shows_each_series_latest_report()
    {
        await Ingest(Batch(Device, Epoch, 1,
            Report(Device, 5, Classes(("car", 10, 2))),
            Report(Device, 0, Classes(("car", 10, 9))),
            Report(Device, 0, Classes(("car", 10, 7)), camera: "cam-2", source: PrecisionSources.Estimated)));

        var text = new PrometheusTextWriter();
        Hub.Get<PrecisionGauges>().WriteMetrics(text);

        var metrics = text.ToString();
        Assert.Contains("edgemlops_hub_precision_macro{device=\"box-1\",camera=\"cam-1\",model=\"vehicle-classifier\",source=\"truth\"} 0.2", metrics);
        Assert.Contains("edgemlops_hub_precision_macro{device=\"box-1\",camera=\"cam-2\",model=\"vehicle-classifier\",source=\"estimated\"} 0.7", metrics);
        Assert.Contains("edgemlops_hub_precision_series 2", metrics);
    }
}
