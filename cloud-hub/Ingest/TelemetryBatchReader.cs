using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// The fast path for telemetry batches: one pass over the batch with a <see cref="Utf8JsonReader"/>, each record's
/// payload kept as its UTF-8 slice (no <see cref="JsonElement"/> per record, no copy) and deserialized from it once.
/// </summary>
/// <remarks>
/// It only ever accepts what <see cref="ContractReader.TryReadTelemetryBatch"/> would accept, with the same values: any
/// batch that is not plainly well-formed and valid (an unknown, repeated or oddly typed property, a version other than
/// the current one, an envelope the validator would refuse) makes it give up, and the caller reads the batch again with
/// <see cref="ContractReader"/>, which then produces the exact rejection. Records are checked one by one in
/// <see cref="MessageIngest"/> the same way.
/// </remarks>
internal static class TelemetryBatchReader
{
    /// <summary>
    /// The batch's envelope and its records' raw parts, or null when the batch must be read the thorough way. The
    /// records' payload slices point into <paramref name="utf8Json"/>.
    /// </summary>
    public static RawBatch? TryRead(ReadOnlyMemory<byte> utf8Json, string topicDeviceId)
    {
        try
        {
            return Read(utf8Json, topicDeviceId);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// A batch <see cref="ContractReader.TryReadTelemetryBatch"/> read (the fast path gave up on it), in the same shape,
    /// so that both paths share one loop over the records; each payload becomes a copy of its UTF-8 text.
    /// </summary>
    public static RawBatch FromContract(TelemetryBatch batch) =>
        new(batch.Epoch, batch.Records.Select(r => new RawBatchRecord(r.Seq, r.Kind, r.CreatedAt, JsonMarshal.GetRawUtf8Value(r.Payload).ToArray())).ToList());

    // Property names in the order of their index in the switch statements below.
    private static readonly byte[][] BatchProperties =
        ["v"u8.ToArray(), "deviceId"u8.ToArray(), "epoch"u8.ToArray(), "firstSeq"u8.ToArray(), "lastSeq"u8.ToArray(), "records"u8.ToArray()];

    private static readonly byte[][] RecordProperties =
        ["seq"u8.ToArray(), "kind"u8.ToArray(), "createdAt"u8.ToArray(), "payload"u8.ToArray()];

    private const int EndOfObject = -1;

    private static RawBatch? Read(ReadOnlyMemory<byte> utf8Json, string topicDeviceId)
    {
        var reader = new Utf8JsonReader(utf8Json.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        var seen = 0;
        string? deviceId = null;
        long epoch = 0, firstSeq = 0, lastSeq = 0;
        List<RawBatchRecord>? records = null;
        int? property;
        while ((property = NextProperty(ref reader, BatchProperties, ref seen)) is >= 0)
        {
            switch (property)
            {
                case 0:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var version) || version != ContractVersion.Current)
                        return null;
                    break;
                case 1:
                    if (reader.TokenType != JsonTokenType.String)
                        return null;
                    deviceId = reader.GetString();
                    break;
                case 2:
                    if (!TryGetLong(ref reader, out epoch) || epoch < 1)
                        return null;
                    break;
                case 3:
                    if (!TryGetLong(ref reader, out firstSeq))
                        return null;
                    break;
                case 4:
                    if (!TryGetLong(ref reader, out lastSeq))
                        return null;
                    break;
                default:
                    records = ReadRecords(ref reader, utf8Json);
                    if (records is null)
                        return null;
                    break;
            }
        }
        // Nothing may follow the batch; the reader throws on anything but whitespace.
        if (property != EndOfObject || !All(seen, BatchProperties) || reader.Read())
            return null;
        if (deviceId is null || !string.Equals(deviceId, topicDeviceId, StringComparison.Ordinal) || DeviceIds.FindProblem(deviceId) is not null)
            return null;
        if (records is null || records.Count == 0 || firstSeq != records[0].Seq || lastSeq != records[^1].Seq)
            return null;
        return new RawBatch(epoch, records);
    }

    private static List<RawBatchRecord>? ReadRecords(ref Utf8JsonReader reader, ReadOnlyMemory<byte> utf8Json)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            return null;
        var records = new List<RawBatchRecord>(1024);
        while (true)
        {
            if (!reader.Read())
                return null;
            if (reader.TokenType == JsonTokenType.EndArray)
                return records;
            if (reader.TokenType != JsonTokenType.StartObject)
                return null;
            var seen = 0;
            long seq = 0;
            string? kind = null;
            DateTimeOffset createdAt = default;
            ReadOnlyMemory<byte> payload = default;
            int? property;
            while ((property = NextProperty(ref reader, RecordProperties, ref seen)) is >= 0)
            {
                switch (property)
                {
                    case 0:
                        if (!TryGetLong(ref reader, out seq))
                            return null;
                        break;
                    case 1:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                            return null;
                        if (reader.ValueTextEquals(OutboxKinds.Event))
                            kind = OutboxKinds.Event;
                        else if (reader.ValueTextEquals(OutboxKinds.Stats))
                            kind = OutboxKinds.Stats;
                        else if (reader.ValueTextEquals(OutboxKinds.Precision))
                            kind = OutboxKinds.Precision;
                        else
                            return null;
                        break;
                    case 2:
                        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out createdAt))
                            return null;
                        break;
                    default:
                        if (reader.TokenType != JsonTokenType.StartObject)
                            return null;
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        payload = utf8Json.Slice(start, (int)reader.BytesConsumed - start);
                        break;
                }
            }
            if (property != EndOfObject || !All(seen, RecordProperties)
                || seq < 1 || (records.Count > 0 && seq <= records[^1].Seq))
                return null;
            records.Add(new RawBatchRecord(seq, kind!, createdAt, payload));
        }
    }

    /// <summary>
    /// Moves to the next property of the object being read and onto its value; returns the property's index in
    /// <paramref name="names"/>, <see cref="EndOfObject"/> at the object's end, or null for whatever the fast path leaves
    /// to the contract reader (an unknown, escaped or repeated name, or the end of the input).
    /// </summary>
    private static int? NextProperty(ref Utf8JsonReader reader, byte[][] names, ref int seen)
    {
        if (!reader.Read())
            return null;
        if (reader.TokenType == JsonTokenType.EndObject)
            return EndOfObject;
        if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped)
            return null;
        for (var i = 0; i < names.Length; i++)
        {
            if (!reader.ValueTextEquals(names[i]))
                continue;
            if ((seen & (1 << i)) != 0 || !reader.Read())
                return null;
            seen |= 1 << i;
            return i;
        }
        return null;
    }

    private static bool All(int seen, byte[][] names) => seen == (1 << names.Length) - 1;

    private static bool TryGetLong(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }
}

/// <summary>A telemetry batch valid as an envelope, for the topic's device; its records not read yet.</summary>
internal sealed record RawBatch(long Epoch, List<RawBatchRecord> Records);

/// <summary>One record of a <see cref="RawBatch"/>; its payload is a JSON object not yet read.</summary>
internal readonly record struct RawBatchRecord(long Seq, string Kind, DateTimeOffset CreatedAt, ReadOnlyMemory<byte> Payload);
