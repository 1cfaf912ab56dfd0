using System.Text;
using System.Text.Json;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>
/// Malformed input for the readers: random JSON, valid documents with one value swapped for something else, and the
/// bytes of valid documents cut, spliced, flipped and salted with invalid UTF-8.
/// </summary>
internal static class FuzzJson
{
    /// <summary>Property names the contracts use, so random objects hit the real fields, plus a few strangers.</summary>
    private static readonly string[] Names =
    [
        "v", "deviceId", "cameraId", "trackId", "label", "confidence", "topK", "probability", "box", "x", "y", "w", "h",
        "firstSeen", "lastSeen", "observations", "modelName", "modelVersion", "truthLabel", "crossedLine", "intervalStart",
        "intervalEnd", "frames", "fps", "latencyMs", "p50", "p95", "p99", "drops", "reconnects", "vehicles",
        "estimatedPrecision", "sampleId", "capturedAt", "predictedLabel", "probabilities", "reason", "epoch", "firstSeq",
        "lastSeq", "records", "seq", "kind", "createdAt", "payload", "info", "online", "at", "agentVersion", "outbox",
        "lastIssuedSeq", "pending", "oldestPendingSeq", "evicted", "desiredRevision", "revision", "updatedAt", "properties",
        "V", "deviceID", "", "\u0000", "v\u200b",
    ];

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (3, Gen.OneOf("1", "0", "-1", "1.5", "1e308", "-1e309", "1e-400", "9223372036854775808", "-9223372036854775809",
            "2147483648", "0.0000001", "\"NaN\"", "true", "false", "null", "\"\"", "\"2025-03-14T08:30:00+01:00\"",
            "\"9999-12-31T23:59:59.9999999+14:00\"", "\"0001-01-01T00:00:00-14:00\"", "\"2025-02-30T00:00:00Z\"", "\"event\"",
            "\"stats\"", "\"sample\"", "\"low-confidence\"", "\"random\"", "\"box-07\"", "\"\\ud800\"", "\"\\u0000\"")),
        (2, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0")),
        (3, FuzzText.Awkward(0, 30).Select(Quote)));

    /// <summary>Tokens JSON does not allow, for splicing into otherwise valid documents.</summary>
    private static readonly Gen<string> Broken = Gen.OneOf("NaN", "Infinity", "01", "+1", "1.", ".5", "0x10", "'a'", "\"open", "{", "]", "", ",,");

    /// <summary>A random JSON value, nested a few levels, valid as JSON (not as a contract).</summary>
    public static readonly Gen<string> Value = Gen.Recursive<string>((depth, self) => depth >= 4
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, self.Array[0, 5].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.Frequency((4, Gen.OneOf(Names)), (1, FuzzText.Awkward(0, 12))), self).Array[0, 8]
                .Select(members => "{" + string.Join(",", members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}"))));

    /// <summary>A random JSON object with the current version first, so the reader gets past the version check.</summary>
    public static readonly Gen<string> VersionedObject =
        Gen.Select(Gen.OneOf(Names), Value).Array[0, 12]
            .Select(members => "{\"v\":1" + string.Concat(members.Select(m => "," + Quote(m.Item1) + ":" + m.Item2)) + "}");

    /// <summary><paramref name="document"/> with one property's value replaced by a random value or a broken token, removed, or repeated.</summary>
    public static Gen<string> Spoiled(string document)
    {
        var properties = Properties(document);
        if (properties.Count == 0)
            return Gen.Const(document);
        return Gen.Select(Gen.Int[0, properties.Count - 1], Gen.Int[0, 4], Value, Broken,
            (index, how, value, broken) => Rewrite(document, properties[index], how, how == 4 ? broken : value));
    }

    /// <summary>The UTF-8 bytes of <paramref name="document"/> damaged in one of several ways a wire or an attacker would.</summary>
    public static Gen<byte[]> Damaged(byte[] document) => Gen.Frequency(
        (2, Gen.Int[0, document.Length].Select(n => document[..n])),
        (2, Gen.Select(Gen.Int[0, document.Length - 1], Gen.Byte, (at, b) => With(document, at, [b], 1))),
        (2, Gen.Select(Gen.Int[0, document.Length], Gen.OneOf(InvalidUtf8), (at, bad) => With(document, at, bad, 0))),
        (1, Gen.Select(Gen.Int[0, document.Length - 1], Gen.Int[0, 64], (at, n) => With(document, at, [], Math.Min(n, document.Length - at)))),
        (1, Gen.Select(Gen.Int[0, document.Length], Gen.Int[0, document.Length], Gen.Int[0, document.Length],
            (at, from, to) => With(document, at, document[Math.Min(from, to)..Math.Max(from, to)], 0))),
        (1, Gen.Select(Gen.Int[0, document.Length], Gen.Int[1, 5000], Gen.OneOf("[", "{\"a\":", "[{\"v\":"),
            (at, depth, open) => With(document, at, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth))), 0))),
        (1, Gen.Byte.Array[0, 64].Select(bytes => document.Concat(bytes).ToArray())));

    /// <summary>Sequences no UTF-8 decoder may accept: stray continuation bytes, overlong forms, encoded surrogates, 0xFF.</summary>
    private static readonly byte[][] InvalidUtf8 =
        [[0x80], [0xBF], [0xC0, 0xAF], [0xC3, 0x28], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE], [0xF0, 0x9F, 0x9A]];

    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A value nested <paramref name="depth"/> levels deep, closed properly.</summary>
    public static string Nested(int depth) => string.Concat(Enumerable.Repeat("[", depth)) + "1" + string.Concat(Enumerable.Repeat("]", depth));

    /// <summary>
    /// <paramref name="text"/> as a JSON string, every non-ASCII character escaped. Written by hand because the
    /// serializer refuses a lone surrogate, and <c>"\ud800"</c> is exactly what a hostile device may send.
    /// </summary>
    public static string Quote(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
                json.Append('\\').Append(c);
            else if (c < ' ' || c > '~')
                json.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                json.Append(c);
        }
        return json.Append('"').ToString();
    }

    private static byte[] With(byte[] document, int at, byte[] insert, int remove) =>
        [.. document.AsSpan(0, at), .. insert, .. document.AsSpan(at + remove)];

    /// <summary>Where a property sits in a document: its name's opening quote, its value's first character, and the end of its value.</summary>
    private readonly record struct PropertySpan(int Name, int Value, int End);

    /// <summary>Every property of <paramref name="document"/>, at any depth, found by the reader so the text is spliced, never re-encoded.</summary>
    private static List<PropertySpan> Properties(string document)
    {
        var properties = new List<PropertySpan>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(document));
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
                continue;
            var name = (int)reader.TokenStartIndex;
            reader.Read();
            var probe = reader;
            probe.Skip();
            properties.Add(new PropertySpan(name, (int)reader.TokenStartIndex, (int)probe.BytesConsumed));
        }
        return properties;
    }

    private static string Rewrite(string document, PropertySpan property, int how, string value)
    {
        // Serializer output and Quote are ASCII, so byte offsets are character offsets.
        switch (how)
        {
            case 0:
                var end = property.End < document.Length && document[property.End] == ',' ? property.End + 1 : property.End;
                var start = end == property.End && property.Name > 0 && document[property.Name - 1] == ',' ? property.Name - 1 : property.Name;
                return document.Remove(start, end - start);
            case 1 or 4:
                return document.Insert(property.Name, document[property.Name..property.Value] + value + ",");
            default:
                return document.Remove(property.Value, property.End - property.Value).Insert(property.Value, value);
        }
    }
}
