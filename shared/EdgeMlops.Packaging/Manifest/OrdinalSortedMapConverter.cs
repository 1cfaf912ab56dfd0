using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>
/// Reads and writes a label-to-score map with keys in ordinal order, so the signed canonical form does not depend on
/// the order a caller filled the map in or a tool re-ordered the keys on disk. Duplicate labels are rejected.
/// </summary>
public sealed class OrdinalSortedMapConverter : JsonConverter<IReadOnlyDictionary<string, double>>
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an object mapping labels to numbers");
        }

        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var label = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException($"the value for label '{label}' is not a number");
            }

            if (!map.TryAdd(label, reader.GetDouble()))
            {
                throw new JsonException($"label '{label}' appears twice");
            }
        }

        return map;
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (label, score) in value.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(label, score);
        }

        writer.WriteEndObject();
    }
}
