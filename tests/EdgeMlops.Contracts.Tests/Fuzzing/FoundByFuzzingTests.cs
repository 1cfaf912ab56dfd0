using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>Inputs the fuzz targets found, shrunk by hand, kept as plain tests so they are checked on every run.</summary>
public sealed class FoundByFuzzingTests
{
    private static string EventJson() => JsonSerializer.Serialize(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);

    [Theory]
    [InlineData("""{"\udbffx":1}""")]
    [InlineData("""{"\udc00":1,"v":1}""")]
    [InlineData("""{"v":1,"\ud800":{}}""")]
    public void A_property_name_with_an_unpaired_surrogate_escape_is_malformed_not_an_exception(string json)
    {
        Assert.False(ContractReader.TryReadVehicleEvent(Utf8.Bytes(json), out _, out var rejection));
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        ReaderContract.CheckRejection(rejection);
    }

    [Theory]
    [InlineData("""{"\udc00":1}""")]
    [InlineData("""{"v":1,"\ud800x":1}""")]
    public void A_record_payload_with_an_unpaired_surrogate_in_a_name_is_malformed_not_an_exception(string payload)
    {
        var record = new OutboxRecord(1, OutboxKinds.Event, DateTimeOffset.UnixEpoch, JsonDocument.Parse(payload).RootElement);

        Assert.False(ContractReader.TryReadPayload(record, out _, out var rejection));
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        ReaderContract.CheckRejection(rejection);
    }

    [Theory]
    [InlineData("cameraId")]
    [InlineData("label")]
    [InlineData("modelVersion")]
    [InlineData("truthLabel")]
    public void A_text_value_with_an_unpaired_surrogate_escape_is_malformed(string field)
    {
        var json = EventJson().Replace($"\"{field}\":\"", $"\"{field}\":\"\\ud800", StringComparison.Ordinal);

        Assert.False(ContractReader.TryReadVehicleEvent(Utf8.Bytes(json), out _, out var rejection));

        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains(field, rejection.Reason);
        ReaderContract.CheckRejection(rejection);
    }

    [Fact]
    public void A_producer_learns_of_an_unpaired_surrogate_from_the_validator_not_from_the_serializer()
    {
        // The serializer quietly writes a lone surrogate as U+FFFD: the hub would store another camera id than the one
        // the device has. Producers validate before they serialize and must hear of it there.
        var sample = SampleMessages.Sample() with { CameraId = "cam" + '\ud800' };
        var stats = SampleMessages.Stats() with { Drops = new Dictionary<string, long> { ['\udfff' + "classify"] = 3 } };
        var vehicleEvent = SampleMessages.Event() with { TopK = [new LabelProbability("bus" + '\ud83d', 0.5)] };

        Assert.True(ContractReader.TryReadReviewSampleInfo(JsonSerializer.SerializeToUtf8Bytes(sample, ContractsJsonContext.Default.ReviewSampleInfo), out var written, out _));
        Assert.Equal("cam\ufffd", written.CameraId);
        Assert.Contains("cameraId contains an unpaired surrogate", ContractValidator.FindProblem(sample));
        Assert.Contains("drops key contains an unpaired surrogate", ContractValidator.FindProblem(stats));
        Assert.Contains("topK[0].label contains an unpaired surrogate", ContractValidator.FindProblem(vehicleEvent));
        Assert.Contains("agentVersion", ContractValidator.FindProblem(new DeviceStatus("box-07", true, DateTimeOffset.UnixEpoch, "1.0" + '\udc00')));
    }

    [Fact]
    public void An_image_of_only_the_signature_is_refused_as_too_short_not_as_lacking_the_signature()
    {
        var header = new SampleHeader("box-07", 1, 1, DateTimeOffset.UnixEpoch, SampleMessages.Sample());

        Assert.False(SampleFrame.TryRead(SampleFrame.Write(header, [0xFF, 0xD8, 0xFF]), out _, out _, out var rejection));

        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Contains("not a JPEG", rejection.Reason);
        Assert.Contains("3 bytes, too short", rejection.Reason);
    }
}
