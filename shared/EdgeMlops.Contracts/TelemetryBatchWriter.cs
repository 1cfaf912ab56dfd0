using System.Buffers;
using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>A record whose payload is already contract JSON, as a device's outbox holds it.</summary>
/// <param name="Seq">The record's seq.</param>
/// <param name="Kind">One of <see cref="OutboxKinds"/> that travel in batches.</param>
/// <param name="CreatedAt">When the device accepted the record.</param>
/// <param name="PayloadJson">The message's contract JSON, written by this build's serializer.</param>
public readonly record struct RawOutboxRecord(long Seq, string Kind, DateTimeOffset CreatedAt, string PayloadJson);

/// <summary>
/// Writes a <see cref="TelemetryBatch"/> from records whose payloads are JSON already, copying them in rather than
/// parsing and re-serializing each one: the drain of a day's backlog is bound by this. The output is the document the
/// serializer would write for the same batch (a test pins it).
/// </summary>
public sealed class TelemetryBatchWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;

    public TelemetryBatchWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>The batch as UTF-8 JSON. The payloads are trusted: the device wrote them with the contract serializer.</summary>
    /// <exception cref="ArgumentException">No records.</exception>
    public byte[] Write(string deviceId, long epoch, IReadOnlyList<RawOutboxRecord> records)
    {
        if (records.Count == 0)
            throw new ArgumentException("a batch needs at least one record", nameof(records));
        _buffer.ResetWrittenCount();
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteNumber("v"u8, ContractVersion.Current);
        _json.WriteString("deviceId"u8, deviceId);
        _json.WriteNumber("epoch"u8, epoch);
        _json.WriteNumber("firstSeq"u8, records[0].Seq);
        _json.WriteNumber("lastSeq"u8, records[^1].Seq);
        _json.WriteStartArray("records"u8);
        foreach (var record in records)
        {
            _json.WriteStartObject();
            _json.WriteNumber("seq"u8, record.Seq);
            _json.WriteString("kind"u8, record.Kind);
            _json.WriteString("createdAt"u8, record.CreatedAt);
            _json.WritePropertyName("payload"u8);
            _json.WriteRawValue(record.PayloadJson, skipInputValidation: true);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>The size of a batch envelope without its payloads, for cutting batches under <see cref="PayloadLimits.TelemetryBytes"/>.</summary>
    public const int EnvelopeBytes = 256;

    /// <summary>An upper bound of what one record adds to a batch beside its payload's length.</summary>
    public const int RecordOverheadBytes = 128;
}
