using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Contracts.Tests;

public sealed class SyncContractTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9];

    private static SampleHeader Header(long seq = 17) =>
        new("box-07", 42, seq, DateTimeOffset.UnixEpoch.AddDays(20000), SampleMessages.Sample());

    [Fact]
    public void Batch_writer_writes_the_same_document_the_serializer_writes_for_the_same_batch()
    {
        var eventJson = JsonSerializer.Serialize(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        var statsJson = JsonSerializer.Serialize(SampleMessages.Stats(), ContractsJsonContext.Default.CameraStats);
        var at = new DateTimeOffset(2026, 11, 23, 15, 4, 5, 678, TimeSpan.Zero);
        var raw = new[] { new RawOutboxRecord(7, OutboxKinds.Event, at, eventJson), new RawOutboxRecord(9, OutboxKinds.Stats, at.AddSeconds(1), statsJson) };

        var written = new TelemetryBatchWriter().Write("box-07", 42, raw);

        var expected = JsonSerializer.SerializeToUtf8Bytes(new TelemetryBatch("box-07", 42, 7, 9,
        [
            new OutboxRecord(7, OutboxKinds.Event, at, JsonDocument.Parse(eventJson).RootElement),
            new OutboxRecord(9, OutboxKinds.Stats, at.AddSeconds(1), JsonDocument.Parse(statsJson).RootElement),
        ]), ContractsJsonContext.Default.TelemetryBatch);
        // Same document; not the same bytes, because the serializer re-escapes strings inside a JsonElement ("+" as \u002B).
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(written)), Utf8.Text(written));
        Assert.True(ContractReader.TryReadTelemetryBatch(written, out var read, out var rejection), rejection?.ToString());
        Assert.Equal(42, read.Epoch);
    }

    [Fact]
    public void Batch_writer_can_be_reused_and_each_batch_stands_alone()
    {
        var writer = new TelemetryBatchWriter();
        var json = JsonSerializer.Serialize(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        var first = writer.Write("box-07", 1, [new RawOutboxRecord(1, OutboxKinds.Event, DateTimeOffset.UnixEpoch, json), new RawOutboxRecord(2, OutboxKinds.Event, DateTimeOffset.UnixEpoch, json)]);
        var second = writer.Write("box-07", 1, [new RawOutboxRecord(3, OutboxKinds.Event, DateTimeOffset.UnixEpoch, json)]);

        Assert.True(ContractReader.TryReadTelemetryBatch(first, out var a, out _));
        Assert.True(ContractReader.TryReadTelemetryBatch(second, out var b, out var rejection), rejection?.ToString());
        Assert.Equal([1L, 2L], a.Records.Select(r => r.Seq));
        Assert.Equal([3L], b.Records.Select(r => r.Seq));
    }

    [Fact]
    public void A_sample_record_inside_a_batch_is_refused_because_samples_travel_with_their_image()
    {
        var payload = JsonSerializer.SerializeToElement(SampleMessages.Sample(), ContractsJsonContext.Default.ReviewSampleInfo);
        var problem = ContractValidator.FindProblem(new TelemetryBatch("box-07", 42, 5, 5, [new OutboxRecord(5, OutboxKinds.Sample, DateTimeOffset.UnixEpoch, payload)]));

        Assert.Contains("samples topic", problem);
    }

    [Fact]
    public void A_sample_frame_round_trips_header_and_image()
    {
        var frame = SampleFrame.Write(Header(), Jpeg);

        Assert.True(SampleFrame.TryRead(frame, out var header, out var jpeg, out var rejection), rejection?.ToString());
        Assert.Equal(17, header.Seq);
        Assert.Equal(42, header.Epoch);
        Assert.Equal("0f6a2b9c", header.Info.SampleId);
        Assert.Equal(Jpeg, jpeg.ToArray());
    }

    [Fact]
    public void A_sample_frame_with_a_lying_length_prefix_is_malformed_not_an_exception()
    {
        var frame = SampleFrame.Write(Header(), Jpeg);
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length);

        Assert.False(SampleFrame.TryRead(frame, out _, out _, out var rejection));
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains("header length", rejection.Reason);

        Assert.False(SampleFrame.TryRead(new byte[] { 1, 2 }, out _, out _, out rejection));
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
    }

    [Fact]
    public void A_sample_frame_whose_image_is_not_a_jpeg_is_invalid()
    {
        var frame = SampleFrame.Write(Header(), "GIF89a-not-a-jpeg"u8);

        Assert.False(SampleFrame.TryRead(frame, out _, out _, out var rejection));
        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Contains("not a JPEG", rejection.Reason);
    }

    [Fact]
    public void A_sample_frame_over_the_limit_is_oversized_before_anything_is_parsed()
    {
        var frame = new byte[PayloadLimits.SampleBytes + 1];

        Assert.False(SampleFrame.TryRead(frame, out _, out _, out var rejection));
        Assert.Equal(RejectionKind.Oversized, rejection.Kind);
    }

    [Fact]
    public void A_sample_header_whose_info_names_another_device_is_invalid()
    {
        var header = Header() with { Info = SampleMessages.Sample() with { DeviceId = "box-08" } };

        Assert.Contains("differs", ContractValidator.FindProblem(header));
    }

    [Fact]
    public void Status_reported_and_desired_round_trip()
    {
        var status = new DeviceStatus("box-07", false, DateTimeOffset.UnixEpoch);
        var reported = new ReportedState("box-07", DateTimeOffset.UnixEpoch, "vehicle-classifier", "1.0.0", new OutboxBacklog(42, 900, 100, 801, 3), 5);
        var desired = new DesiredState("box-07", 6, DateTimeOffset.UnixEpoch,
            new Dictionary<string, JsonElement> { ["model"] = JsonDocument.Parse("""{"version":"1.1.0"}""").RootElement });

        Assert.True(ContractReader.TryReadDeviceStatus(JsonSerializer.SerializeToUtf8Bytes(status, ContractsJsonContext.Default.DeviceStatus), out var s, out var r1), r1?.ToString());
        Assert.True(ContractReader.TryReadReportedState(JsonSerializer.SerializeToUtf8Bytes(reported, ContractsJsonContext.Default.ReportedState), out var rep, out var r2), r2?.ToString());
        Assert.True(ContractReader.TryReadDesiredState(JsonSerializer.SerializeToUtf8Bytes(desired, ContractsJsonContext.Default.DesiredState), out var d, out var r3), r3?.ToString());
        Assert.False(s.Online);
        Assert.Equal(reported.Outbox, rep.Outbox);
        Assert.Equal("1.1.0", d.Properties["model"].GetProperty("version").GetString());
    }

    [Fact]
    public void A_report_from_a_device_with_an_empty_outbox_reads_back()
    {
        var reported = new ReportedState("box-07", DateTimeOffset.UnixEpoch, "m", "1", new OutboxBacklog(42, 900, 0, null, 0));
        var json = JsonSerializer.SerializeToUtf8Bytes(reported, ContractsJsonContext.Default.ReportedState);

        Assert.True(ContractReader.TryReadReportedState(json, out var read, out var rejection), rejection?.ToString());
        Assert.Null(read.Outbox.OldestPendingSeq);
    }

    [Fact]
    public void A_reported_backlog_whose_oldest_seq_was_never_issued_is_invalid()
    {
        var reported = new ReportedState("box-07", DateTimeOffset.UnixEpoch, "m", "1", new OutboxBacklog(42, 10, 1, 11, 0));

        Assert.Contains("oldestPendingSeq", ContractValidator.FindProblem(reported));
    }

    [Fact]
    public void A_message_naming_another_device_than_its_topic_is_a_wrong_device_rejection()
    {
        var rejection = ContractReader.CheckDevice("box-08", new DeviceStatus("box-07", true, DateTimeOffset.UnixEpoch));

        Assert.NotNull(rejection);
        Assert.Equal(RejectionKind.WrongDevice, rejection.Kind);
        Assert.Null(ContractReader.CheckDevice("box-07", new DeviceStatus("box-07", true, DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void A_batch_or_sample_without_a_positive_epoch_is_invalid()
    {
        var payload = JsonSerializer.SerializeToElement(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        var batch = new TelemetryBatch("box-07", 0, 5, 5, [new OutboxRecord(5, OutboxKinds.Event, DateTimeOffset.UnixEpoch, payload)]);

        Assert.Contains("epoch", ContractValidator.FindProblem(batch));
        Assert.Contains("epoch", ContractValidator.FindProblem(Header() with { Epoch = -1 }));
    }

    [Fact]
    public void A_device_id_with_a_colon_is_refused_because_it_cannot_be_a_mosquitto_user_name()
    {
        Assert.Contains("':'", DeviceIds.FindProblem("site:box-07"));
        Assert.Null(DeviceIds.FindProblem("site-box-07"));
    }

    [Theory]
    [InlineData(DeviceChannel.Telemetry, PayloadLimits.TelemetryBytes)]
    [InlineData(DeviceChannel.Samples, PayloadLimits.SampleBytes)]
    [InlineData(DeviceChannel.Status, PayloadLimits.StateBytes)]
    public void Payload_limits_refuse_one_byte_over_and_accept_the_limit(DeviceChannel channel, int limit)
    {
        Assert.Null(PayloadLimits.Check(channel, limit));
        Assert.Equal(RejectionKind.Oversized, PayloadLimits.Check(channel, limit + 1)?.Kind);
    }
}
