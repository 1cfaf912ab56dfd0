using System.Text;
using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Telemetry;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class OutboxPackerTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Batches_are_cut_to_stay_under_the_telemetry_payload_limit_without_losing_or_reordering_a_record()
    {
        // Several KB each: a thousand of them would make a batch far above 4 MB.
        var entries = Enumerable.Range(1, 1200).Select(i => Stats(i, labels: 100)).ToList();
        Assert.True(entries.Take(1000).Sum(e => e.Payload.Length) > PayloadLimits.TelemetryBytes);

        var messages = new OutboxPacker(SyncRig.DeviceId, batchRecords: 1000).Pack(entries, epoch: 42);

        Assert.True(messages.Count >= 2, $"{messages.Count} batches");
        Assert.All(messages, m => Assert.True(m.Payload.Length <= PayloadLimits.TelemetryBytes, $"{m.SeqRange} is {m.Payload.Length} bytes"));
        Assert.All(messages, m => Assert.Null(PayloadLimits.Check(DeviceChannel.Telemetry, m.Payload.Length)));
        var batches = messages.Select(m => ContractReader.TryReadTelemetryBatch(m.Payload, out var b, out var r) ? b : throw new Xunit.Sdk.XunitException(r.ToString())).ToList();
        Assert.Equal(entries.Select(e => e.Seq), batches.SelectMany(b => b.Records).Select(r => r.Seq));
        Assert.All(batches, b => Assert.Equal(42, b.Epoch));
        Assert.All(batches, b => Assert.True(ContractReader.TryReadPayload(b.Records[0], out _, out var rejection), rejection?.ToString()));
    }

    [Fact]
    public void Batches_hold_at_most_the_configured_number_of_records()
    {
        var entries = Enumerable.Range(1, 25).Select(i => Event(i)).ToList();

        var messages = new OutboxPacker(SyncRig.DeviceId, batchRecords: 10).Pack(entries, epoch: 1);

        Assert.Equal([10, 10, 5], messages.Select(m => m.Records));
        Assert.Equal([(1L, 10L), (11, 20), (21, 25)], messages.Select(m => (m.FirstSeq, m.LastSeq)));
    }

    [Fact]
    public void A_record_too_large_for_any_batch_or_a_sample_without_its_image_is_refused_in_its_turn_not_sent()
    {
        var huge = new OutboxEntry(2, OutboxKinds.Event, At, $"{{\"pad\":\"{new string('x', 5000)}\"}}", null);
        var blind = new OutboxEntry(3, OutboxKinds.Sample, At, JsonSerializer.Serialize(TestRecords.SampleInfo(3), ContractsJsonContext.Default.ReviewSampleInfo), null);

        var messages = new OutboxPacker(SyncRig.DeviceId, batchRecords: 10, maxBatchBytes: 4096).Pack([Event(1), huge, blind, Event(4)], epoch: 1);

        Assert.Equal([(1L, 1L, (string?)null), (2, 2, "cannot fit"), (3, 3, "no image"), (4, 4, null)],
            messages.Select(m => (m.FirstSeq, m.LastSeq, m.LocalRefusal is { } r ? (r.Contains("cannot fit") ? "cannot fit" : r.Contains("no image") ? "no image" : r) : null)));
    }

    private static OutboxEntry Event(long seq) =>
        new(seq, OutboxKinds.Event, At, JsonSerializer.Serialize(TestRecords.Event(seq), ContractsJsonContext.Default.VehicleEvent), null);

    private static OutboxEntry Stats(long seq, int labels) =>
        new(seq, OutboxKinds.Stats, At, JsonSerializer.Serialize(TestRecords.Stats((int)seq, labels), ContractsJsonContext.Default.CameraStats), null);
}
