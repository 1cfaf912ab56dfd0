using System.Text;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Turns outbox entries, oldest first, into messages: consecutive events and stats into telemetry batches cut at
/// <c>batchRecords</c> records or before <c>maxBatchBytes</c>; each review sample into its own sample frame. Seq order
/// is kept across messages, so acknowledging them in order acknowledges a prefix of the outbox.
/// </summary>
internal sealed class OutboxPacker
{
    private readonly string _deviceId;
    private readonly int _batchRecords;
    private readonly int _maxBatchBytes;
    private readonly int _envelopeBytes;
    private readonly string _telemetryTopic;
    private readonly string _samplesTopic;
    private readonly TelemetryBatchWriter _writer = new();

    public OutboxPacker(string deviceId, int batchRecords, int maxBatchBytes = PayloadLimits.TelemetryBytes)
    {
        _deviceId = deviceId;
        _batchRecords = batchRecords;
        _maxBatchBytes = maxBatchBytes;
        // The writer escapes non-ASCII in the device id as \uXXXX: up to 6 bytes per UTF-16 unit.
        _envelopeBytes = TelemetryBatchWriter.EnvelopeBytes + 6 * deviceId.Length;
        _telemetryTopic = Topics.Telemetry(deviceId);
        _samplesTopic = Topics.Samples(deviceId);
    }

    public List<OutboxMessage> Pack(IReadOnlyList<OutboxEntry> entries, long epoch)
    {
        var messages = new List<OutboxMessage>();
        var batch = new List<RawOutboxRecord>(Math.Min(_batchRecords, entries.Count));
        long batchBytes = _envelopeBytes;

        void Flush()
        {
            if (batch.Count == 0)
                return;
            messages.Add(new OutboxMessage(_telemetryTopic, _writer.Write(_deviceId, epoch, batch), batch[0].Seq, batch[^1].Seq, batch.Count, IsSample: false));
            batch.Clear();
            batchBytes = _envelopeBytes;
        }

        foreach (var entry in entries)
        {
            if (!OutboxKinds.TravelsInBatches(entry.Kind))
            {
                Flush();
                messages.Add(SampleMessage(entry, epoch));
                continue;
            }
            long recordBytes = TelemetryBatchWriter.RecordOverheadBytes + entry.Kind.Length + Encoding.UTF8.GetByteCount(entry.Payload);
            if (_envelopeBytes + recordBytes > _maxBatchBytes)
            {
                Flush();
                messages.Add(Refused(entry, $"its {recordBytes} bytes cannot fit in a telemetry batch of at most {_maxBatchBytes} bytes"));
                continue;
            }
            if (batch.Count == _batchRecords || batchBytes + recordBytes > _maxBatchBytes)
                Flush();
            batch.Add(new RawOutboxRecord(entry.Seq, entry.Kind, entry.CreatedAt, entry.Payload));
            batchBytes += recordBytes;
        }
        Flush();
        return messages;
    }

    private OutboxMessage SampleMessage(OutboxEntry entry, long epoch)
    {
        if (entry.Kind != OutboxKinds.Sample)
            return Refused(entry, $"its kind '{entry.Kind}' is unknown to this build");
        if (entry.Jpeg is not { } jpeg)
            return Refused(entry, "the sample has no image");
        // The header carries the info as an object, so this one payload is parsed; samples are few next to events.
        if (!ContractReader.TryReadReviewSampleInfo(Encoding.UTF8.GetBytes(entry.Payload), out var info, out var rejection))
            return Refused(entry, $"its stored payload is not a valid review sample ({rejection})");
        var frame = SampleFrame.Write(new SampleHeader(_deviceId, epoch, entry.Seq, entry.CreatedAt, info), jpeg);
        if (PayloadLimits.Check(DeviceChannel.Samples, frame.Length) is { } oversized)
            return Refused(entry, oversized.Reason);
        return new OutboxMessage(_samplesTopic, frame, entry.Seq, entry.Seq, 1, IsSample: true);
    }

    private OutboxMessage Refused(OutboxEntry entry, string reason) =>
        new(entry.Kind == OutboxKinds.Sample ? _samplesTopic : _telemetryTopic, [], entry.Seq, entry.Seq, 1,
            IsSample: entry.Kind == OutboxKinds.Sample, LocalRefusal: reason);
}
