using System.Collections.Concurrent;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Lets through one log entry per key per window and counts the rest, so a misconfigured device retrying every
/// second (or a scan of the port) cannot flood the log. The counters in <see cref="BrokerMetrics"/> stay exact.
/// </summary>
public sealed class RateLimitedLog(TimeProvider time, TimeSpan window)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// True when an entry for <paramref name="key"/> should be written now; <paramref name="suppressed"/> is how many
    /// were held back since the last one written.
    /// </summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        var slot = _slots.GetOrAdd(key, _ => new Slot());
        var now = time.GetTimestamp();
        lock (slot)
        {
            if (slot.LastLogged is { } last && time.GetElapsedTime(last, now) < window)
            {
                slot.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = slot.Suppressed;
            slot.Suppressed = 0;
            slot.LastLogged = now;
            return true;
        }
    }

    private sealed class Slot
    {
        public long? LastLogged;
        public long Suppressed;
    }
}
