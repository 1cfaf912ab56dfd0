using System.Text;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class MessageIngestTests : EnrolledDeviceIngestTests
{
    [Fact]
    public async Task A_batch_is_stored_once_and_a_redelivery_only_counts_duplicates()
    {
        var batch = Payloads.EventBatch(Device, Epoch, firstSeq: 1, count: 500);

        var first = await Ingest(Topics.Telemetry(Device), batch);
        var again = await Ingest(Topics.Telemetry(Device), batch);

        Assert.Equal(new IngestResult(IngestStatus.Stored, 500, 0, 0, null), first);
        Assert.Equal(new IngestResult(IngestStatus.Stored, 0, 500, 0, null), again);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), Hub.Seqs("events", Device));
        var events = Assert.Single(Hub.IngestMetrics.Snapshot().Records, r => r.Kind == OutboxKinds.Event);
        Assert.Equal((500, 500), (events.Stored, events.Duplicates));
        var device = Hub.Store.Device(Device)!;
        Assert.Equal((Epoch, 500L), (device.DataEpoch, device.HighestSeq));
    }

    [Fact]
    public async Task Events_and_stats_of_one_batch_go_to_their_tables_with_their_query_columns()
    {
        var batch = Payloads.Batch(Device, Epoch, [
            Payloads.EventRecord(Device, 10, camera: "cam-3"),
            Payloads.StatsRecord(Device, 11),
            Payloads.EventRecord(Device, 12)]);

        var result = await Ingest(Topics.Telemetry(Device), batch);

        Assert.Equal(3, result.Stored);
        var events = Hub.Store.Events(new(Device, null, null, null, null, 10));
        Assert.Equal([10L, 12L], events.Select(e => e.Seq));
        Assert.Equal("cam-3", events[0].CameraId);
        Assert.Equal("car", events[0].Label);
        Assert.Equal(0.9, events[0].Confidence);
        Assert.Equal(Payloads.Time0.AddSeconds(10).AddMilliseconds(800).ToUnixTimeMilliseconds(), events[0].Time);
        Assert.Equal(Payloads.Json(Payloads.Event(Device, 10, "cam-3")), events[0].Payload);
        var stats = Assert.Single(Hub.Store.Stats(new(Device, null, null, null, null, 10)));
        Assert.Equal(11, stats.Seq);
        Assert.Equal(0.82, stats.EstimatedPrecision);
        Assert.Equal(Payloads.Time0.AddMinutes(12).ToUnixTimeMilliseconds(), stats.Time);
    }

    [Fact]
    public async Task The_same_seq_under_a_new_epoch_is_a_new_record()
    {
        await Ingest(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch, 1, 5));
        var result = await Ingest(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch + 1, 1, 5));

        Assert.Equal(5, result.Stored);
        Assert.Equal(10, Hub.Count("events", Device));
        Assert.Equal(Epoch + 1, Hub.Store.Device(Device)!.DataEpoch);
    }

    [Fact]
    public async Task A_bad_record_is_refused_alone_and_the_rest_of_its_batch_is_stored()
    {
        var badConfidence = Payloads.Json(Payloads.Event(Device, 3) with { Confidence = 1.5 });
        var otherDevice = Payloads.Json(Payloads.Event("box-2", 4));
        var records = Enumerable.Range(1, 6).Select(i => Payloads.EventRecord(Device, i)).ToArray();
        records[2] = records[2] with { PayloadJson = badConfidence };
        records[3] = records[3] with { PayloadJson = otherDevice };

        var result = await Ingest(Topics.Telemetry(Device), Payloads.Batch(Device, Epoch, records));

        Assert.Equal(IngestStatus.Stored, result.Status);
        Assert.Equal((4, 2), (result.Stored, result.RejectedRecords));
        Assert.Contains("record seq 3", result.Reason);
        Assert.Contains("confidence", result.Reason);
        Assert.Equal([1L, 2, 5, 6], Hub.Seqs("events", Device));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.Invalid)));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.WrongDevice)));
    }

    public static TheoryData<string, byte[], RejectionKind> BadTelemetry => new()
    {
        { "not json", Payloads.Utf8("{\"v\":1,\"deviceId\":"), RejectionKind.Malformed },
        { "not an object", Payloads.Utf8("[1,2,3]"), RejectionKind.Malformed },
        { "missing field", Payloads.Utf8("{\"v\":1,\"deviceId\":\"box-1\",\"epoch\":1,\"firstSeq\":1}"), RejectionKind.Malformed },
        { "version 2", Payloads.Utf8(Encoding.UTF8.GetString(Payloads.EventBatch(Device, Epoch, 1, 2)).Replace("{\"v\":1,", "{\"v\":2,")), RejectionKind.UnsupportedVersion },
        { "another device", Payloads.EventBatch("box-2", Epoch, 1, 2), RejectionKind.WrongDevice },
        { "seqs out of order", Payloads.Batch(Device, Epoch, [Payloads.EventRecord(Device, 5), Payloads.EventRecord(Device, 4)]), RejectionKind.Invalid },
        { "oversized", new byte[PayloadLimits.TelemetryBytes + 1], RejectionKind.Oversized },
    };

    [Theory]
    [MemberData(nameof(BadTelemetry))]
    public async Task A_bad_telemetry_message_is_rejected_counted_and_does_not_stop_the_good_ones(string what, byte[] payload, RejectionKind kind)
    {
        var rejected = await Ingest(Topics.Telemetry(Device), payload);
        var good = await Ingest(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch, 1, 3));

        Assert.True(rejected.Status == IngestStatus.Rejected, what);
        Assert.Equal(kind, rejected.Kind);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, kind.ToString()));
        var recent = Assert.Single(Hub.Rejections.Recent());
        Assert.Equal((Device, "telemetry", kind.ToString(), rejected.Reason), (recent.DeviceId, recent.Channel, recent.Kind, recent.Reason));
        Assert.Equal(3, good.Stored);
        Assert.Equal(3, Hub.Count("events", Device));
    }

    public static TheoryData<DeviceChannel, byte[], RejectionKind> BadStateMessages => new()
    {
        { DeviceChannel.Status, Payloads.Utf8("online"), RejectionKind.Malformed },
        { DeviceChannel.Status, Payloads.Utf8("{\"v\":2,\"deviceId\":\"box-1\",\"online\":true}"), RejectionKind.UnsupportedVersion },
        { DeviceChannel.Status, Payloads.Status("box-2", true, Payloads.Time0), RejectionKind.WrongDevice },
        { DeviceChannel.Status, new byte[PayloadLimits.StateBytes + 1], RejectionKind.Oversized },
        { DeviceChannel.Reported, Payloads.Reported("box-2", Payloads.Time0, new OutboxBacklog(1, 5, 1, 5, 0)), RejectionKind.WrongDevice },
        { DeviceChannel.Reported, Payloads.Reported(Device, Payloads.Time0, new OutboxBacklog(1, 5, -1, 5, 0)), RejectionKind.Invalid },
        { DeviceChannel.Samples, Payloads.Sample(Device, Epoch, 1, Payloads.Jpeg(1), headerDeviceId: "box-2", infoDeviceId: "box-2"), RejectionKind.WrongDevice },
        { DeviceChannel.Samples, Payloads.Sample(Device, Epoch, 1, Payloads.Utf8("GIF89a not a jpeg")), RejectionKind.Invalid },
        { DeviceChannel.Samples, [0, 0, 0, 9, 1], RejectionKind.Malformed },
        { DeviceChannel.Samples, new byte[PayloadLimits.SampleBytes + 1], RejectionKind.Oversized },
    };

    [Theory]
    [MemberData(nameof(BadStateMessages))]
    public async Task Bad_messages_on_the_other_channels_are_rejected_and_counted(DeviceChannel channel, byte[] payload, RejectionKind kind)
    {
        var result = await Ingest(Topics.ForDevice(Device, channel), payload);

        Assert.Equal(IngestStatus.Rejected, result.Status);
        Assert.Equal(kind, result.Kind);
        Assert.False(result.NotEnrolled);
        var recent = Assert.Single(Hub.Rejections.Recent());
        Assert.True(recent.Kind == kind.ToString(), recent.Reason);
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(channel, kind.ToString()));
        Assert.Null(Hub.Store.Device(Device)!.LastSeen);
        Assert.Empty(System.IO.Directory.EnumerateFiles(Hub.Database.SamplesDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Messages_from_a_device_that_is_not_enrolled_are_rejected()
    {
        var stranger = await Ingest(Topics.Telemetry("stranger"), Payloads.EventBatch("stranger", Epoch, 1, 3));
        Hub.Registry.Enroll("box-9");
        Hub.Registry.Revoke("box-9");
        var revoked = await Ingest(Topics.Status("box-9"), Payloads.Status("box-9", true, Payloads.Time0));

        Assert.Equal(new IngestResult(IngestStatus.Rejected, 0, 0, 0, "device not enrolled") { NotEnrolled = true }, stranger);
        Assert.Equal(IngestStatus.Rejected, revoked.Status);
        Assert.True(revoked.NotEnrolled);
        Assert.Null(revoked.Kind);
        Assert.Equal(0, Hub.Count("events", "stranger"));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, IngestChannels.NotEnrolled));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Status, IngestChannels.NotEnrolled));
        Assert.False(Hub.Store.Device("box-9")!.Online);
    }

    [Theory]
    [InlineData("edgemlops/v1/devices/box-1/desired")]
    [InlineData("edgemlops/v1/alerts/precision")]
    [InlineData("edgemlops/v1/devices/box-1/telemetry/extra")]
    [InlineData("somewhere/else")]
    public async Task Topics_the_hub_does_not_ingest_are_ignored(string topic)
    {
        var result = await Ingest(topic, Payloads.Utf8("{}"));

        Assert.Equal(IngestStatus.Ignored, result.Status);
        Assert.Empty(Hub.Rejections.Recent());
    }

    [Fact]
    public async Task A_sample_is_written_to_disk_and_indexed_and_a_redelivery_does_not_rewrite_it()
    {
        var image = Payloads.Jpeg(fill: 0x11);

        var first = await Ingest(Topics.Samples(Device), Payloads.Sample(Device, Epoch, 42, image));
        var again = await Ingest(Topics.Samples(Device), Payloads.Sample(Device, Epoch, 42, image));
        // Another image under the same key is a clone's, not a redelivery: a conflict, and the stored image stays.
        var clone = await Ingest(Topics.Samples(Device), Payloads.Sample(Device, Epoch, 42, Payloads.Jpeg(fill: 0x22)));

        Assert.Equal((IngestStatus.Stored, 1, 0), (first.Status, first.Stored, first.Duplicates));
        Assert.Equal((IngestStatus.Stored, 0, 1), (again.Status, again.Stored, again.Duplicates));
        Assert.Equal((0, 0, 1), (clone.Stored, clone.Duplicates, clone.Conflicts));
        var sample = Assert.Single(Hub.Store.Samples(new(Device, null, null, null, null, 10)));
        Assert.Equal((Epoch, 42L, "cam-2", "truck", 0.35, "sample-42"), (sample.Epoch, sample.Seq, sample.CameraId, sample.Label, sample.Confidence, sample.SampleId));
        Assert.Equal($"{Device}/{Epoch}-42.jpg", sample.ImagePath);
        Assert.Equal(image.Length, sample.ImageBytes);
        var path = Path.Combine(Hub.Database.SamplesDirectory, sample.ImagePath);
        Assert.Equal(image, File.ReadAllBytes(path));
        Assert.Equal([path], System.IO.Directory.EnumerateFiles(Hub.Database.SamplesDirectory, "*", SearchOption.AllDirectories));
        Assert.Equal(42, Hub.Store.Device(Device)!.HighestSeq);
    }

    [Fact]
    public void A_device_id_that_is_no_safe_directory_name_cannot_be_enrolled_so_it_never_names_a_samples_directory()
    {
        // Device ids are limited to a safe alphabet (DeviceIds), so ".." never reaches the samples directory.
        const string dotted = "..";

        var refused = Assert.Throws<ArgumentException>(() => Hub.Registry.Enroll(dotted));

        Assert.Contains("starts with '.'", refused.Message);
        Assert.Throws<ArgumentException>(() => Topics.Samples(dotted));
    }

    [Fact]
    public async Task A_record_with_megabytes_of_junk_or_a_huge_camera_id_is_refused_and_the_rest_of_the_batch_stored()
    {
        var records = Enumerable.Range(1, 4).Select(i => Payloads.EventRecord(Device, i)).ToArray();
        records[1] = records[1] with { PayloadJson = records[1].PayloadJson[..^1] + ",\"junk\":[" + string.Join(",", Enumerable.Repeat("1234567", 400_000)) + "]}" };
        records[2] = records[2] with { PayloadJson = Payloads.Json(Payloads.Event(Device, 3, camera: new string('c', 500_000))) };

        var result = await Ingest(Topics.Telemetry(Device), Payloads.Batch(Device, Epoch, records));

        Assert.Equal((2, 2), (result.Stored, result.RejectedRecords));
        Assert.Equal([1L, 4], Hub.Seqs("events", Device));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.Oversized)));
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.FieldTooLong)));
    }

    [Fact]
    public async Task Status_marks_the_device_online_and_its_last_will_offline_at_the_time_received()
    {
        Hub.Time.Advance(TimeSpan.FromMinutes(1));
        var connectedAt = Hub.Time.GetUtcNow();
        await Ingest(Topics.Status(Device), Payloads.Status(Device, true, connectedAt, agentVersion: "2.1.0"));

        var online = Hub.Store.Device(Device)!;
        Assert.True(online.Online);
        Assert.Equal("2.1.0", online.AgentVersion);
        Assert.Equal(connectedAt.ToUnixTimeMilliseconds(), online.LastStatusAt);

        // The broker sends the last will an hour later; the will says the time the device connected.
        Hub.Time.Advance(TimeSpan.FromHours(1));
        await Ingest(Topics.Status(Device), Payloads.Status(Device, false, connectedAt));

        var offline = Hub.Store.Device(Device)!;
        Assert.False(offline.Online);
        Assert.Equal(Hub.Time.GetUtcNow().ToUnixTimeMilliseconds(), offline.LastStatusAt);
        Assert.Equal(Hub.Time.GetUtcNow().ToUnixTimeMilliseconds(), offline.LastSeen);
        Assert.Equal("2.1.0", offline.AgentVersion);
    }

    [Fact]
    public async Task Reported_state_sets_the_backlog_and_an_older_report_does_not_undo_a_newer_one()
    {
        var newer = Payloads.Reported(Device, Payloads.Time0.AddMinutes(5), new OutboxBacklog(Epoch, 900, 400, 501, 3), modelVersion: "1.1.0");
        var older = Payloads.Reported(Device, Payloads.Time0, new OutboxBacklog(Epoch, 500, 500, 1, 0));

        Assert.Equal(IngestStatus.Stored, (await Ingest(Topics.Reported(Device), newer)).Status);
        Assert.Equal(IngestStatus.Stored, (await Ingest(Topics.Reported(Device), older)).Status);

        var device = Hub.Store.Device(Device)!;
        Assert.Equal((Epoch, 900L, 400L, 501L, 3L), (device.OutboxEpoch, device.LastIssuedSeq, device.Pending, device.OldestPendingSeq, device.Evicted));
        Assert.Equal(("vehicle-classifier", "1.1.0"), (device.ModelName, device.ModelVersion));
        Assert.Equal(Payloads.Time0.AddMinutes(5).ToUnixTimeMilliseconds(), device.ReportedAt);
    }

    [Fact]
    public async Task A_report_with_nothing_pending_is_stored()
    {
        var result = await Ingest(Topics.Reported(Device), Payloads.Reported(Device, Payloads.Time0, new OutboxBacklog(Epoch, 500, 0, null, 0)));

        Assert.Equal(IngestStatus.Stored, result.Status);
        Assert.Equal(0, Hub.Store.Device(Device)!.Pending);
    }

    [Fact]
    public async Task Every_accepted_message_updates_last_seen_with_the_receive_time()
    {
        Hub.Time.Advance(TimeSpan.FromSeconds(30));
        await Ingest(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch, 1, 1));

        Assert.Equal(Hub.Time.GetUtcNow().ToUnixTimeMilliseconds(), Hub.Store.Device(Device)!.LastSeen);
    }

    [Fact]
    public async Task The_rejection_log_keeps_the_last_hundred()
    {
        for (var i = 0; i < RejectionLog.Capacity + 20; i++)
            await Ingest(Topics.Status(Device), Payloads.Utf8($"bad {i}"));

        Assert.Equal(RejectionLog.Capacity, Hub.Rejections.Recent().Count);
        Assert.Equal(RejectionLog.Capacity + 20, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Status, nameof(RejectionKind.Malformed)));
    }

    [Fact]
    public async Task Once_ingest_returns_the_records_are_committed_for_every_other_connection()
    {
        await Ingest(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch, 1, 50));

        using var other = new SQLite.SQLiteConnection(Hub.Database.FilePath);
        Assert.Equal(50, other.ExecuteScalar<int>("SELECT count(*) FROM events WHERE device_id = ?", Device));
    }
}
