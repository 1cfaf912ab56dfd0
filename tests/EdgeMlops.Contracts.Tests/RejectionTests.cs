using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Contracts.Tests;

public sealed class RejectionTests
{
    private static JsonObject EventJson() =>
        JsonSerializer.SerializeToNode(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent)!.AsObject();

    private static PayloadRejection RejectEvent(string json)
    {
        Assert.False(ContractReader.TryReadVehicleEvent(Utf8.Bytes(json), out var message, out var rejection));
        Assert.Null(message);
        return rejection;
    }

    [Fact]
    public void Unknown_version_is_rejected_as_such_even_when_the_shape_changed()
    {
        var json = EventJson();
        json["v"] = 2;
        json.Remove("label");
        json["classification"] = "truck";

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.UnsupportedVersion, rejection.Kind);
        Assert.Contains("version 2", rejection.Reason);
    }

    [Fact]
    public void Missing_version_is_rejected()
    {
        var json = EventJson();
        json.Remove("v");

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains("'v'", rejection.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"v\":1,")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{\"v\":\"1\"}")]
    [InlineData("{\"v\":1,\"deviceId\":{}}")]
    [InlineData("{\"v\":1,\"deviceId\":\"a\",\"confidence\":NaN}")]
    public void Malformed_input_is_rejected_without_throwing(string json)
    {
        var rejection = RejectEvent(json);

        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
    }

    [Fact]
    public void Invalid_utf8_is_rejected_without_throwing()
    {
        byte[] json = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

        Assert.False(ContractReader.TryReadCameraStats(json, out _, out var rejection));
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
    }

    [Theory]
    [InlineData("deviceId")]
    [InlineData("trackId")]
    [InlineData("firstSeen")]
    [InlineData("topK")]
    public void A_missing_required_field_is_rejected_naming_it(string field)
    {
        var json = EventJson();
        json.Remove(field);

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains(field, rejection.Reason);
    }

    [Fact]
    public void A_null_where_the_contract_has_none_is_rejected()
    {
        var json = EventJson();
        json["modelVersion"] = null;

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
        Assert.Contains("modelVersion", rejection.Reason);
    }

    [Fact]
    public void NaN_confidence_is_refused_before_it_is_ever_serialized()
    {
        var problem = ContractValidator.FindProblem(SampleMessages.Event() with { Confidence = double.NaN });

        Assert.NotNull(problem);
        Assert.Contains("confidence", problem);
        Assert.Contains("NaN", problem);
    }

    [Theory]
    [InlineData("confidence", 1.5)]
    [InlineData("confidence", -0.1)]
    [InlineData("observations", 0)]
    [InlineData("trackId", -1)]
    public void Out_of_range_values_are_rejected_as_invalid(string field, double value)
    {
        var json = EventJson();
        json[field] = field == "confidence" ? JsonValue.Create(value) : JsonValue.Create((long)value);

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Contains(field, rejection.Reason);
    }

    [Fact]
    public void A_device_id_that_would_break_topics_is_rejected_in_payloads()
    {
        var json = EventJson();
        json["deviceId"] = "box/07";

        var rejection = RejectEvent(json.ToJsonString());

        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Contains("deviceId", rejection.Reason);
    }

    [Fact]
    public void Stats_and_samples_are_checked_too()
    {
        Assert.Contains("intervalEnd", ContractValidator.FindProblem(SampleMessages.Stats() with
        {
            IntervalEnd = SampleMessages.Stats().IntervalStart.AddSeconds(-1),
        }));
        Assert.Contains("fps", ContractValidator.FindProblem(SampleMessages.Stats() with { Fps = double.PositiveInfinity }));
        Assert.Contains("drops[classify]", ContractValidator.FindProblem(SampleMessages.Stats() with
        {
            Drops = new Dictionary<string, long> { ["classify"] = -3 },
        }));
        Assert.Contains("reason", ContractValidator.FindProblem(SampleMessages.Sample() with { Reason = "because" }));
        Assert.Contains("probabilities[van]", ContractValidator.FindProblem(SampleMessages.Sample() with
        {
            Probabilities = new Dictionary<string, double> { ["van"] = double.NaN },
        }));
        Assert.Null(ContractValidator.FindProblem(SampleMessages.Stats()));
        Assert.Null(ContractValidator.FindProblem(SampleMessages.Sample()));
        Assert.Null(ContractValidator.FindProblem(SampleMessages.Event()));
    }

    [Fact]
    public void Unknown_properties_are_ignored_so_optional_fields_can_be_added_within_a_version()
    {
        var json = EventJson();
        json["laneIndex"] = 2;

        Assert.True(ContractReader.TryReadVehicleEvent(Utf8.Bytes(json.ToJsonString()), out _, out var rejection), rejection?.ToString());
    }

    [Fact]
    public void A_batch_whose_seqs_do_not_increase_or_do_not_match_its_range_is_rejected()
    {
        var payload = JsonSerializer.SerializeToElement(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        OutboxRecord Record(long seq) => new(seq, OutboxKinds.Event, DateTimeOffset.UnixEpoch, payload);

        Assert.Contains("increase", ContractValidator.FindProblem(new TelemetryBatch("box-07", 42, 5, 4, [Record(5), Record(4)])));
        Assert.Contains("firstSeq", ContractValidator.FindProblem(new TelemetryBatch("box-07", 42, 1, 6, [Record(5), Record(6)])));
        Assert.Contains("records", ContractValidator.FindProblem(new TelemetryBatch("box-07", 42, 1, 1, [])));
        Assert.Contains("kind", ContractValidator.FindProblem(new TelemetryBatch("box-07", 42, 5, 5,
            [new OutboxRecord(5, "video", DateTimeOffset.UnixEpoch, payload)])));
    }

    [Fact]
    public void A_payload_that_does_not_match_its_kind_is_rejected_without_throwing()
    {
        var stats = JsonSerializer.SerializeToElement(SampleMessages.Stats(), ContractsJsonContext.Default.CameraStats);

        Assert.False(ContractReader.TryReadPayload(new OutboxRecord(1, OutboxKinds.Event, DateTimeOffset.UnixEpoch, stats),
            out var message, out var rejection));
        Assert.Null(message);
        Assert.Equal(RejectionKind.Malformed, rejection.Kind);
    }

    [Fact]
    public void A_payload_of_a_newer_version_inside_a_batch_is_rejected_as_such()
    {
        var newer = JsonSerializer.SerializeToNode(SampleMessages.Sample(), ContractsJsonContext.Default.ReviewSampleInfo)!;
        newer["v"] = 3;
        var element = JsonSerializer.SerializeToElement(newer);

        Assert.False(ContractReader.TryReadPayload(new OutboxRecord(1, OutboxKinds.Sample, DateTimeOffset.UnixEpoch, element),
            out _, out var rejection));
        Assert.Equal(RejectionKind.UnsupportedVersion, rejection.Kind);
    }
}
