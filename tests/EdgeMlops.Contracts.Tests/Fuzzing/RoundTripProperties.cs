using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>
/// Write, then read, then write again: every valid message comes back as the same document, so nothing the device
/// sends is lost or altered between the writers and the readers.
/// </summary>
public sealed class RoundTripProperties
{
    [Fact]
    public void Vehicle_events_round_trip() => RoundTrip(ValidMessages.VehicleEvent, ContractsJsonContext.Default.VehicleEvent, ContractReader.TryReadVehicleEvent);

    [Fact]
    public void Camera_stats_round_trip() => RoundTrip(ValidMessages.CameraStats, ContractsJsonContext.Default.CameraStats, ContractReader.TryReadCameraStats);

    [Fact]
    public void Review_sample_infos_round_trip() =>
        RoundTrip(ValidMessages.ReviewSampleInfo(ValidMessages.DeviceId), ContractsJsonContext.Default.ReviewSampleInfo, ContractReader.TryReadReviewSampleInfo);

    [Fact]
    public void Sample_headers_round_trip() => RoundTrip(ValidMessages.SampleHeader, ContractsJsonContext.Default.SampleHeader, ContractReader.TryReadSampleHeader);

    [Fact]
    public void Device_statuses_round_trip() => RoundTrip(ValidMessages.DeviceStatus, ContractsJsonContext.Default.DeviceStatus, ContractReader.TryReadDeviceStatus);

    [Fact]
    public void Reported_states_round_trip() => RoundTrip(ValidMessages.ReportedState, ContractsJsonContext.Default.ReportedState, ContractReader.TryReadReportedState);

    [Fact]
    public void Desired_states_round_trip() => RoundTrip(ValidMessages.DesiredState, ContractsJsonContext.Default.DesiredState, ContractReader.TryReadDesiredState);

    [Fact]
    public void Generated_messages_are_valid_so_the_round_trips_prove_something()
    {
        ValidMessages.VehicleEvent.Sample(e => ContractValidator.FindProblem(e) is null, iter: 200);
        ValidMessages.CameraStats.Sample(s => ContractValidator.FindProblem(s) is null, iter: 200);
        ValidMessages.SampleHeader.Sample(h => ContractValidator.FindProblem(h) is null, iter: 200);
        ValidMessages.ReportedState.Sample(r => ContractValidator.FindProblem(r) is null, iter: 200);
    }

    [Fact]
    public void A_batch_written_from_raw_records_reads_back_record_for_record() =>
        ValidMessages.RawBatch.Sample(batch =>
        {
            var written = new TelemetryBatchWriter().Write(batch.DeviceId, batch.Epoch, batch.Records);

            Assert.True(ContractReader.TryReadTelemetryBatch(written, out var read, out var rejection), rejection?.ToString());
            Assert.Equal(batch.DeviceId, read.DeviceId);
            Assert.Equal(batch.Epoch, read.Epoch);
            Assert.Equal(batch.Records.Length, read.Records.Count);
            for (var i = 0; i < batch.Records.Length; i++)
            {
                var (raw, record) = (batch.Records[i], read.Records[i]);
                Assert.Equal((raw.Seq, raw.Kind, raw.CreatedAt), (record.Seq, record.Kind, record.CreatedAt));
                Assert.Equal(raw.CreatedAt.Offset, record.CreatedAt.Offset);
                Assert.Equal(raw.PayloadJson, record.Payload.GetRawText());
                Assert.True(ContractReader.TryReadPayload(record, out var message, out rejection), rejection?.ToString());
                Assert.Equal(raw.PayloadJson, Serialize(message));
            }
        }, iter: ReaderContract.Iterations / 2);

    [Fact]
    public void The_batch_writer_writes_the_document_the_serializer_writes() =>
        ValidMessages.RawBatch.Sample(batch =>
        {
            var written = new TelemetryBatchWriter().Write(batch.DeviceId, batch.Epoch, batch.Records);
            var serialized = JsonSerializer.SerializeToUtf8Bytes(new TelemetryBatch(batch.DeviceId, batch.Epoch, batch.Records[0].Seq, batch.Records[^1].Seq,
                batch.Records.Select(r => new OutboxRecord(r.Seq, r.Kind, r.CreatedAt, JsonDocument.Parse(r.PayloadJson).RootElement)).ToList()),
                ContractsJsonContext.Default.TelemetryBatch);

            return JsonNode.DeepEquals(JsonNode.Parse(serialized), JsonNode.Parse(written));
        }, iter: ReaderContract.Iterations / 2);

    [Fact]
    public void A_sample_frame_reads_back_its_header_and_image() =>
        // At least one byte after the signature: a JPEG is never just its first three bytes.
        Gen.Select(ValidMessages.SampleHeader, Gen.Byte.Array[1, 2048]).Sample(t =>
        {
            var (header, body) = t;
            byte[] jpeg = [0xFF, 0xD8, 0xFF, .. body];

            Assert.True(SampleFrame.TryRead(SampleFrame.Write(header, jpeg), out var read, out var image, out var rejection), rejection?.ToString());
            Assert.Equal(Write(header, ContractsJsonContext.Default.SampleHeader), Write(read, ContractsJsonContext.Default.SampleHeader));
            Assert.Equal(jpeg, image.ToArray());
        }, iter: ReaderContract.Iterations / 2);

    private static void RoundTrip<T>(Gen<T> messages, JsonTypeInfo<T> typeInfo, ContractRead<T> read) where T : class =>
        messages.Sample(message =>
        {
            var written = Write(message, typeInfo);

            Assert.True(read(written, out var readBack, out var rejection), rejection?.ToString());
            Assert.Equal(written, Write(readBack, typeInfo));
        }, iter: ReaderContract.Iterations / 2);

    private static byte[] Write<T>(T message, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);

    private static string Serialize(IDeviceMessage message) => message switch
    {
        VehicleEvent e => JsonSerializer.Serialize(e, ContractsJsonContext.Default.VehicleEvent),
        CameraStats s => JsonSerializer.Serialize(s, ContractsJsonContext.Default.CameraStats),
        _ => throw new InvalidOperationException($"{message.GetType().Name} does not travel in batches"),
    };
}
