using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// Keeps each device within its sample quotas (<see cref="HubStoreOptions.SampleBytesPerHourPerDevice"/> and
/// <see cref="HubStoreOptions.StoredSampleBytesPerDevice"/>), checked before a JPEG is written so a flooding device
/// cannot fill the hub's disk; other devices keep their own allowance.
/// </summary>
public sealed class SampleQuota(HubDatabase database, IOptions<HubStoreOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Usage> _usage = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts <paramref name="bytes"/> against the device's quotas and returns null, or returns why they do not fit
    /// (and counts nothing).
    /// </summary>
    public string? TryTake(string deviceId, long bytes)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_usage.TryGetValue(deviceId, out var usage))
                _usage[deviceId] = usage = new Usage { Stored = BytesOnDisk(deviceId), WindowStart = now };
            if (now - usage.WindowStart >= Hour)
            {
                usage.WindowStart = now;
                usage.ThisHour = 0;
            }
            if (usage.ThisHour + bytes > limits.SampleBytesPerHourPerDevice)
                return $"sample quota exceeded: {usage.ThisHour + bytes} bytes this hour, the limit is {limits.SampleBytesPerHourPerDevice}";
            if (usage.Stored + bytes > limits.StoredSampleBytesPerDevice)
                return $"sample storage quota exceeded: {usage.Stored + bytes} bytes stored, the limit is {limits.StoredSampleBytesPerDevice}";
            usage.ThisHour += bytes;
            usage.Stored += bytes;
            return null;
        }
    }

    // Counted once per device and hub start, so samples kept from earlier runs count against the storage quota too.
    private long BytesOnDisk(string deviceId)
    {
        var folder = new DirectoryInfo(Path.Combine(database.SamplesDirectory, deviceId));
        return folder.Exists ? folder.EnumerateFiles("*.jpg").Sum(f => f.Length) : 0;
    }

    private sealed class Usage
    {
        public long Stored;
        public long ThisHour;
        public DateTimeOffset WindowStart;
    }
}
