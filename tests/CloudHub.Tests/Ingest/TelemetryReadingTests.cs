using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Ingest;

/// <summary>
/// Batches as the edge writes them take a fast path; anything else must come out exactly as the contract reader says:
/// accepted when it accepts (unusual but valid JSON), refused with the same kind when it refuses.
/// </summary>
public sealed class TelemetryReadingTests : EnrolledDeviceIngestTests
{
    private static string EventJson(long seq) => Payloads.Json(Payloads.Event(Device, seq));

    [Fact]
    public async Task A_batch_in_another_property_order_with_extra_properties_and_whitespace_is_stored()
    {
        var payload = EventJson(2);
        var json = $$"""
            {
              "records": [ { "payload": {{payload}}, "createdAt": "2025-06-01T08:00:03+00:00", "kind": "event", "seq": 2, "note": "x" } ],
              "lastSeq": 2, "firstSeq": 2, "epoch": {{Epoch}}, "deviceId": "box-1", "extra": [1, {"a": null}], "v": 1
            }
            """;

        var result = await Ingest(Payloads.Utf8(json));

        Assert.Equal((IngestStatus.Stored, 1, 0), (result.Status, result.Stored, result.RejectedRecords));
        var stored = Assert.Single(Hub.Store.Events(new(Device, null, null, null, null, 10)));
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(Payloads.Time0.AddSeconds(3).ToUnixTimeMilliseconds(), stored.CreatedAt);
    }

    [Fact]
    public async Task Record_payloads_are_stored_byte_for_byte_wherever_their_version_stands()
    {
        var versionLast = EventJson(2).Replace("{\"v\":1,", "{") [..^1] + ", \"v\" : 1 }";
        var records = new[] { Payloads.EventRecord(Device, 1), Payloads.EventRecord(Device, 2) with { PayloadJson = versionLast }, Payloads.StatsRecord(Device, 3) };

        var result = await Ingest(Payloads.Batch(Device, Epoch, records));

        Assert.Equal((3, 0), (result.Stored, result.RejectedRecords));
        var events = Hub.Store.Events(new(Device, null, null, null, null, 10));
        Assert.Equal([EventJson(1), versionLast], events.Select(e => e.Payload));
        Assert.Equal(Payloads.Json(Payloads.Stats(Device, 3)), Assert.Single(Hub.Store.Stats(new(Device, null, null, null, null, 10))).Payload);
    }

    public static TheoryData<string, string, RejectionKind> BadRecords => new()
    {
        { "no version", EventJson(2).Replace("\"v\":1,", ""), RejectionKind.Malformed },
        { "version 2", EventJson(2).Replace("{\"v\":1,", "{\"v\":2,"), RejectionKind.UnsupportedVersion },
        { "version as text", EventJson(2).Replace("{\"v\":1,", "{\"v\":\"1\","), RejectionKind.Malformed },
        { "not an event", EventJson(2).Replace("\"label\":", "\"labels\":"), RejectionKind.Malformed },
        { "a number for a string", EventJson(2).Replace("\"label\":\"car\"", "\"label\":3"), RejectionKind.Malformed },
        { "invalid", EventJson(2).Replace("\"observations\":12", "\"observations\":0"), RejectionKind.Invalid },
        { "another device", Payloads.Json(Payloads.Event("box-2", 2)), RejectionKind.WrongDevice },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task A_bad_record_is_refused_with_the_contract_readers_kind_and_its_neighbours_are_stored(string what, string payload, RejectionKind kind)
    {
        var records = new[] { Payloads.EventRecord(Device, 1), Payloads.EventRecord(Device, 2) with { PayloadJson = payload }, Payloads.EventRecord(Device, 3) };

        var result = await Ingest(Payloads.Batch(Device, Epoch, records));

        Assert.True((IngestStatus.Stored, 2, 1) == (result.Status, result.Stored, result.RejectedRecords), what);
        Assert.StartsWith("record seq 2: ", result.Reason);
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, kind.ToString()));
        Assert.Equal([1L, 3], Hub.Seqs("events", Device));
    }

    public static TheoryData<string, string, RejectionKind> BadBatches => new()
    {
        { "firstSeq off", Batch("\"v\":1", "\"firstSeq\":1", "\"lastSeq\":2"), RejectionKind.Invalid },
        { "seq repeated", Batch("\"v\":1", "\"firstSeq\":2", "\"lastSeq\":2", secondSeq: 2), RejectionKind.Invalid },
        { "version 2 last", Batch("\"v\":2", "\"firstSeq\":2", "\"lastSeq\":3"), RejectionKind.UnsupportedVersion },
        { "no version", Batch("\"w\":1", "\"firstSeq\":2", "\"lastSeq\":3"), RejectionKind.Malformed },
        { "epoch as text", Batch("\"v\":1", "\"firstSeq\":2", "\"lastSeq\":3", epoch: "\"7\""), RejectionKind.Malformed },
        { "trailing data", Batch("\"v\":1", "\"firstSeq\":2", "\"lastSeq\":3") + " {}", RejectionKind.Malformed },
        { "sample kind", Batch("\"v\":1", "\"firstSeq\":2", "\"lastSeq\":3", kind: "sample"), RejectionKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_batch_is_rejected_whole_with_the_contract_readers_kind(string what, string json, RejectionKind kind)
    {
        var result = await Ingest(Payloads.Utf8(json));

        Assert.True(result.Status == IngestStatus.Rejected, what);
        Assert.Equal(1, Hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, kind.ToString()));
        Assert.Equal(0, Hub.Count("events", Device));
    }

    [Fact]
    public async Task The_same_batch_read_the_fast_and_the_thorough_way_stores_the_same_rows()
    {
        var fast = Payloads.EventBatch(Device, Epoch, 1, 20);
        var thorough = Payloads.Utf8(System.Text.Encoding.UTF8.GetString(fast).Replace("\"records\":", "\"unknown\":0,\"records\":"));

        var first = await Ingest(thorough);
        var again = await Ingest(fast);

        Assert.Equal((20, 0), (first.Stored, first.Duplicates));
        Assert.Equal((0, 20), (again.Stored, again.Duplicates));
    }

    private static string Batch(string version, string firstSeq, string lastSeq, long secondSeq = 3, string kind = "event", string epoch = "7000001") =>
        $$"""{"deviceId":"box-1","epoch":{{epoch}},{{firstSeq}},{{lastSeq}},"records":[{"seq":2,"kind":"{{kind}}","createdAt":"2025-06-01T08:00:03+00:00","payload":{{EventJson(2)}}},{"seq":{{secondSeq}},"kind":"event","createdAt":"2025-06-01T08:00:04+00:00","payload":{{EventJson(3)}}}],{{version}}}""";
}
