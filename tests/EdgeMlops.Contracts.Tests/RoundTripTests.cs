using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Contracts.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void VehicleEvent_survives_a_round_trip_field_for_field()
    {
        var original = SampleMessages.Event();
        var json = JsonSerializer.SerializeToUtf8Bytes(original, ContractsJsonContext.Default.VehicleEvent);

        Assert.True(ContractReader.TryReadVehicleEvent(json, out var read, out var rejection), rejection?.ToString());
        Assert.Equal(original with { TopK = read.TopK }, read);
        Assert.Equal(original.TopK, read.TopK);
        Assert.Equal(original.LastSeen, read.LastSeen);
        Assert.Equal(original.LastSeen.Offset, read.LastSeen.Offset);
    }

    [Fact]
    public void CameraStats_survives_a_round_trip()
    {
        var original = SampleMessages.Stats();
        var json = JsonSerializer.SerializeToUtf8Bytes(original, ContractsJsonContext.Default.CameraStats);

        Assert.True(ContractReader.TryReadCameraStats(json, out var read, out var rejection), rejection?.ToString());
        Assert.Equal(original.LatencyMs, read.LatencyMs);
        Assert.Equal(original.Drops, read.Drops);
        Assert.Equal(original.Vehicles, read.Vehicles);
        Assert.Equal(original with { LatencyMs = read.LatencyMs, Drops = read.Drops, Vehicles = read.Vehicles }, read);
    }

    [Fact]
    public void ReviewSampleInfo_survives_a_round_trip()
    {
        var original = SampleMessages.Sample();
        var json = JsonSerializer.SerializeToUtf8Bytes(original, ContractsJsonContext.Default.ReviewSampleInfo);

        Assert.True(ContractReader.TryReadReviewSampleInfo(json, out var read, out var rejection), rejection?.ToString());
        Assert.Equal(original.Probabilities, read.Probabilities);
        Assert.Equal(original with { Probabilities = read.Probabilities }, read);
    }

    [Fact]
    public void Wire_form_is_camelCase_versioned_first_and_leaves_out_unset_optionals()
    {
        var json = JsonSerializer.Serialize(SampleMessages.Sample(), ContractsJsonContext.Default.ReviewSampleInfo);
        var node = JsonNode.Parse(json)!.AsObject();

        Assert.StartsWith("{\"v\":1,", json);
        Assert.Equal("low-confidence", (string?)node["reason"]);
        Assert.Equal("0f6a2b9c", (string?)node["sampleId"]);
        Assert.False(node.ContainsKey("truthLabel"));

        var stats = JsonNode.Parse(JsonSerializer.Serialize(SampleMessages.Stats(), ContractsJsonContext.Default.CameraStats))!;
        Assert.Equal(27.3, (double?)stats["latencyMs"]!["classify"]!["p99"]);
        Assert.Equal(3, (long?)stats["drops"]!["classify"]);
    }

    [Fact]
    public void A_batch_and_each_payload_in_it_read_back()
    {
        var payload = JsonSerializer.SerializeToElement(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent);
        var stats = JsonSerializer.SerializeToElement(SampleMessages.Stats(), ContractsJsonContext.Default.CameraStats);
        var batch = new TelemetryBatch("box-07", 42, 7, 9,
        [
            new OutboxRecord(7, OutboxKinds.Event, DateTimeOffset.UnixEpoch, payload),
            new OutboxRecord(9, OutboxKinds.Stats, DateTimeOffset.UnixEpoch, stats),
        ]);
        var json = JsonSerializer.SerializeToUtf8Bytes(batch, ContractsJsonContext.Default.TelemetryBatch);

        Assert.True(ContractReader.TryReadTelemetryBatch(json, out var read, out var rejection), rejection?.ToString());
        Assert.Equal([7L, 9L], read.Records.Select(r => r.Seq));
        Assert.True(ContractReader.TryReadPayload(read.Records[0], out var first, out rejection), rejection?.ToString());
        Assert.Equal(4242, Assert.IsType<VehicleEvent>(first).TrackId);
        Assert.True(ContractReader.TryReadPayload(read.Records[1], out var second, out rejection), rejection?.ToString());
        Assert.Equal(250, Assert.IsType<CameraStats>(second).Frames);
    }
}
