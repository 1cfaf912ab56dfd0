using System.Globalization;
using System.Text.Json;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>One line of a ground-truth feed.</summary>
public abstract record FeedEntry(string Camera)
{
    /// <summary>Source time after which everything the line speaks of has been reported by the camera.</summary>
    public abstract DateTimeOffset Until { get; }
}

/// <summary>A roadside counter's window: how many vehicles of each class passed the camera in [From, To).</summary>
public sealed record FeedCounts(string Camera, DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, long> Counts) : FeedEntry(Camera)
{
    public override DateTimeOffset Until => To;
}

/// <summary>An operator's label for the vehicle the camera saw at <see cref="Time"/>.</summary>
public sealed record FeedLabel(string Camera, DateTimeOffset Time, string Label) : FeedEntry(Camera)
{
    public override DateTimeOffset Until => Time;
}

/// <summary>
/// Parses feed lines (JSON, one object a line):
/// <c>{"camera":"cam1","from":"2026-12-04T10:00:00Z","to":"2026-12-04T10:15:00Z","counts":{"car":12,"van":3}}</c> or
/// <c>{"camera":"cam1","time":"2026-12-04T10:00:03.2Z","label":"car"}</c>. Times need an offset (or Z).
/// </summary>
public static class GroundTruthFeedFormat
{
    /// <summary>The entry of <paramref name="line"/>; null with a problem that names the field when the line is not one.</summary>
    public static FeedEntry? Parse(string line, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Fail("not a JSON object", out problem);
            if (Text(root, "camera") is not { } camera)
                return Fail("\"camera\" is missing or not a non-empty string", out problem);
            if (root.TryGetProperty("counts", out var counts))
                return ParseCounts(root, camera, counts, out problem);
            if (root.TryGetProperty("label", out _))
            {
                if (Time(root, "time") is not { } time)
                    return Fail("\"time\" is missing or not a date-time with an offset", out problem);
                if (Text(root, "label") is not { } label)
                    return Fail("\"label\" is not a non-empty string", out problem);
                return new FeedLabel(camera, time, label);
            }
            return Fail("neither \"counts\" (a counter window) nor \"label\" (a per-event label)", out problem);
        }
        catch (JsonException e)
        {
            return Fail($"not valid JSON ({e.Message})", out problem);
        }
    }

    private static FeedEntry? ParseCounts(JsonElement root, string camera, JsonElement counts, out string? problem)
    {
        problem = null;
        if (Time(root, "from") is not { } from)
            return Fail("\"from\" is missing or not a date-time with an offset", out problem);
        if (Time(root, "to") is not { } to)
            return Fail("\"to\" is missing or not a date-time with an offset", out problem);
        if (to <= from)
            return Fail("\"to\" is not after \"from\"", out problem);
        if (counts.ValueKind != JsonValueKind.Object)
            return Fail("\"counts\" is not an object of class counts", out problem);
        var parsed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var count in counts.EnumerateObject())
        {
            if (count.Name.Length == 0 || count.Value.ValueKind != JsonValueKind.Number || !count.Value.TryGetInt64(out var n) || n < 0)
                return Fail($"counts[\"{count.Name}\"] is not a whole number of at least 0", out problem);
            parsed[count.Name] = n;
        }
        return new FeedCounts(camera, from, to, parsed);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Time(JsonElement root, string name)
    {
        if (Text(root, name) is not { } text) return null;
        // An offset is required: a counter's local time taken for UTC would shift every window by hours, silently.
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
               && (text.EndsWith('Z') || text.EndsWith("z") || text.LastIndexOfAny(['+', '-']) > 10)
            ? time
            : null;
    }

    private static FeedEntry? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
