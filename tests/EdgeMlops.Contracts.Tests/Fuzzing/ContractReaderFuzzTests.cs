using EdgeMlops.Contracts.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>
/// One fuzz target per <see cref="ContractReader"/> method: valid documents, the same documents spoiled, cut and salted
/// with invalid UTF-8, random JSON and random bytes. Each read returns a valid message or a documented rejection.
/// </summary>
public sealed class ContractReaderFuzzTests
{
    [Fact]
    public void Vehicle_event_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.VehicleEvent, ContractsJsonContext.Default.VehicleEvent, ContractReader.TryReadVehicleEvent, ContractValidator.FindProblem);

    [Fact]
    public void Camera_stats_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.CameraStats, ContractsJsonContext.Default.CameraStats, ContractReader.TryReadCameraStats, ContractValidator.FindProblem);

    [Fact]
    public void Review_sample_info_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.ReviewSampleInfo(ValidMessages.DeviceId), ContractsJsonContext.Default.ReviewSampleInfo, ContractReader.TryReadReviewSampleInfo, ContractValidator.FindProblem);

    [Fact]
    public void Sample_header_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.SampleHeader, ContractsJsonContext.Default.SampleHeader, ContractReader.TryReadSampleHeader, ContractValidator.FindProblem);

    [Fact]
    public void Device_status_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.DeviceStatus, ContractsJsonContext.Default.DeviceStatus, ContractReader.TryReadDeviceStatus, ContractValidator.FindProblem);

    [Fact]
    public void Reported_state_reader_holds_for_any_input() =>
        Fuzz(ValidMessages.ReportedState, ContractsJsonContext.Default.ReportedState, ContractReader.TryReadReportedState, ContractValidator.FindProblem);

    [Fact]
    public void Desired_state_reader_holds_for_any_input() =>
        ReaderContract.Sample(Inputs(ValidMessages.DesiredState.Select(message => JsonSerializer.Serialize(message, ContractsJsonContext.Default.DesiredState))),
            input => ReaderContract.Holds<DesiredState>(input, ContractReader.TryReadDesiredState, ContractValidator.FindProblem, write: null),
            ReaderContract.Show);

    [Fact]
    public void Telemetry_batch_reader_holds_for_any_input() =>
        ReaderContract.Sample(
            Inputs(ValidMessages.RawBatch.Select(b => Encoding.UTF8.GetString(new TelemetryBatchWriter().Write(b.DeviceId, b.Epoch, b.Records)))),
            input => ReaderContract.Holds<TelemetryBatch>(input, ContractReader.TryReadTelemetryBatch, ContractValidator.FindProblem, write: null),
            ReaderContract.Show);

    [Fact]
    public void Record_payload_reader_holds_for_any_payload_under_any_kind()
    {
        var payloads = Gen.Frequency(
            (2, ValidMessages.VehicleEvent.Select(e => JsonSerializer.Serialize(e, ContractsJsonContext.Default.VehicleEvent))),
            (2, ValidMessages.CameraStats.Select(s => JsonSerializer.Serialize(s, ContractsJsonContext.Default.CameraStats))),
            (1, ValidMessages.ReviewSampleInfo(ValidMessages.DeviceId).Select(s => JsonSerializer.Serialize(s, ContractsJsonContext.Default.ReviewSampleInfo))),
            (1, FuzzJson.VersionedObject),
            (1, FuzzJson.Value));
        // A record's payload is a JsonElement, so it is always well-formed JSON: spoiled documents that are not are left out.
        var spoiled = Gen.Frequency((1, payloads), (2, payloads.SelectMany(FuzzJson.Spoiled).Where(FuzzJson.IsJson)));
        var records = Gen.Select(Gen.Long, Gen.Frequency((3, Gen.OneOf(OutboxKinds.Event, OutboxKinds.Stats, OutboxKinds.Sample)), (1, FuzzText.Any)),
            ValidMessages.Time, spoiled,
            (seq, kind, at, payload) => new OutboxRecord(seq, kind, at, JsonDocument.Parse(payload).RootElement.Clone()));

        records.Sample(record =>
        {
            var outcome = ReaderContract.Measure(record.Payload.GetRawText().Length,
                () => (ContractReader.TryReadPayload(record, out var message, out var rejection), message, rejection));
            ReaderContract.Check(outcome.Item1, outcome.message, outcome.rejection, FindProblem);
        }, iter: ReaderContract.Iterations, print: record => $"{LogText.Escape(record.Kind)} {LogText.Escape(record.Payload.GetRawText(), 2000)}");
    }

    [Fact]
    public void Huge_and_deeply_nested_input_is_refused_in_bounded_time_and_memory()
    {
        var huge = Gen.Frequency(
            (1, Gen.Int[1, 200_000].Select(depth => "{\"v\":1,\"deviceId\":" + FuzzJson.Nested(depth) + "}")),
            (1, Gen.Int[100_000, 4_000_000].Select(n => EventWith("cameraId", FuzzJson.Quote(new string('c', n))))),
            (1, Gen.Int[1_000, 300_000].Select(n => EventWith("topK", "[" + string.Join(",", Enumerable.Repeat("{\"label\":\"a\",\"probability\":0.5}", n)) + "]"))),
            (1, Gen.Int[1_000, 500_000].Select(n => EventWith("junk", "[" + string.Join(",", Enumerable.Repeat("1234567", n)) + "]"))),
            (1, Gen.Int[1_000, 100_000].Select(n => EventWith("label", "\"" + string.Concat(Enumerable.Repeat("\\u202e\\r\\n", n)) + "\""))));

        ReaderContract.Sample(huge.Select(Encoding.UTF8.GetBytes),
            input => ReaderContract.Holds(input, ContractReader.TryReadVehicleEvent, ContractValidator.FindProblem, Write(ContractsJsonContext.Default.VehicleEvent)),
            input => ReaderContract.Show(input[..Math.Min(input.Length, 300)]), iterations: 15);
    }

    private static string EventWith(string field, string valueJson)
    {
        var json = JsonSerializer.Serialize(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(field);
        return node.ToJsonString()[..^1] + $",\"{field}\":{valueJson}}}";
    }

    private static string? FindProblem(IDeviceMessage message) => message switch
    {
        VehicleEvent e => ContractValidator.FindProblem(e),
        CameraStats s => ContractValidator.FindProblem(s),
        ReviewSampleInfo r => ContractValidator.FindProblem(r),
        _ => $"TryReadPayload returned a {message.GetType().Name}",
    };

    private static void Fuzz<T>(Gen<T> valid, JsonTypeInfo<T> typeInfo, ContractRead<T> read, Func<T, string?> findProblem) where T : class =>
        ReaderContract.Sample(Inputs(valid.Select(message => JsonSerializer.Serialize(message, typeInfo))),
            input => ReaderContract.Holds(input, read, findProblem, Write(typeInfo)),
            ReaderContract.Show);

    private static Func<T, byte[]> Write<T>(JsonTypeInfo<T> typeInfo) => message => JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);

    private static Gen<byte[]> Inputs(Gen<string> documents) => Gen.Frequency(
        (2, documents.Select(Encoding.UTF8.GetBytes)),
        (3, documents.SelectMany(FuzzJson.Spoiled).Select(Encoding.UTF8.GetBytes)),
        (3, documents.SelectMany(document => FuzzJson.Damaged(Encoding.UTF8.GetBytes(document)))),
        (2, FuzzJson.VersionedObject.Select(Encoding.UTF8.GetBytes)),
        (1, FuzzJson.Value.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 100]));
}
