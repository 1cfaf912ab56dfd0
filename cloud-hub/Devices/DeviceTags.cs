using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>Key=value tags per device in the hub database (<c>site=north</c>, <c>camera=overpass</c>): what rollout selectors match.</summary>
public sealed class DeviceTags(HubDatabase database)
{
    private const int MaxKeyLength = 63;
    private const int MaxValueLength = 63;

    /// <summary>Why <paramref name="key"/> is not a tag key (letters, digits, '-', '_', '.', '/', at most 63, starting with a letter or digit); null when it is.</summary>
    public static string? FindKeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
            return "the key is empty";
        if (key.Length > MaxKeyLength)
            return $"the key is {key.Length} characters long; at most {MaxKeyLength}";
        if (!char.IsAsciiLetterOrDigit(key[0]))
            return $"the key '{key}' must start with a letter or digit";
        return key.FirstOrDefault(c => !IsTagChar(c)) is var bad && bad != default
            ? $"the key '{key}' holds '{bad}'; use letters, digits, '-', '_', '.', '/'"
            : null;
    }

    /// <summary>Why <paramref name="value"/> is not a tag value (letters, digits, '-', '_', '.', at most 63); null when it is.</summary>
    public static string? FindValueProblem(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "the value is empty";
        if (value.Length > MaxValueLength)
            return $"the value is {value.Length} characters long; at most {MaxValueLength}";
        return value.FirstOrDefault(c => !IsTagChar(c) || c == '/') is var bad && bad != default
            ? $"the value '{value}' holds '{bad}'; use letters, digits, '-', '_', '.'"
            : null;
    }

    private static bool IsTagChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

    /// <summary>Sets one tag (replacing its value).</summary>
    /// <exception cref="ArgumentException">The key or value is not valid.</exception>
    public void Set(string deviceId, string key, string value)
    {
        if (FindKeyProblem(key) is { } keyProblem)
            throw new ArgumentException(keyProblem, nameof(key));
        if (FindValueProblem(value) is { } valueProblem)
            throw new ArgumentException(valueProblem, nameof(value));
        database.Write(connection => connection.Execute(
            "INSERT INTO device_tags (device_id, key, value) VALUES (?1, ?2, ?3) ON CONFLICT (device_id, key) DO UPDATE SET value = ?3",
            deviceId, key, value));
    }

    /// <summary>Removes one tag; false when the device had no such tag.</summary>
    public bool Remove(string deviceId, string key) =>
        database.Write(connection => connection.Execute("DELETE FROM device_tags WHERE device_id = ? AND key = ?", deviceId, key)) > 0;

    /// <summary>The device's tags.</summary>
    public IReadOnlyDictionary<string, string> Of(string deviceId) =>
        database.Read(connection => connection.Query<TagRow>("SELECT device_id, key, value FROM device_tags WHERE device_id = ?", deviceId))
            .ToDictionary(row => row.Key, row => row.Value, StringComparer.Ordinal);

    /// <summary>Every device's tags, by device id (devices without tags are absent).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> All() =>
        database.Read(connection => connection.Query<TagRow>("SELECT device_id, key, value FROM device_tags ORDER BY device_id, key"))
            .GroupBy(row => row.DeviceId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key,
                group => (IReadOnlyDictionary<string, string>)group.ToDictionary(row => row.Key, row => row.Value, StringComparer.Ordinal),
                StringComparer.Ordinal);

    /// <summary>The enrolled devices whose tags satisfy <paramref name="selector"/>, by id.</summary>
    public IReadOnlyList<string> Select(TagSelector selector)
    {
        var tags = All();
        var empty = new Dictionary<string, string>();
        return database.Read(connection => connection.QueryScalars<string>("SELECT id FROM devices WHERE password_hash IS NOT NULL ORDER BY id"))
            .Where(id => selector.Matches(tags.GetValueOrDefault(id) ?? empty))
            .ToList();
    }

    private sealed class TagRow
    {
        [Column("device_id")] public string DeviceId { get; set; } = "";
        [Column("key")] public string Key { get; set; } = "";
        [Column("value")] public string Value { get; set; } = "";
    }
}
