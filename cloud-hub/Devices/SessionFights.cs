namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// Tells two live boxes fighting over one client id from a device that merely reconnected: a single takeover is a box
/// whose old connection was not yet noticed gone, but <see cref="Threshold"/> takeovers within <see cref="Window"/> are
/// two sessions kicking each other off. Then the device's <c>cloned-device</c> condition is raised (once per fight:
/// the count starts over after each report).
/// </summary>
public sealed class SessionFights(CloneEvidence evidence, CloneMetrics metrics, TimeProvider time)
{
    /// <summary>Takeovers within <see cref="Window"/> that make a fight.</summary>
    public const int Threshold = 3;

    /// <summary>How far back takeovers count.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The session of <paramref name="deviceId"/> was taken over by a new connection under its id.</summary>
    public void TakenOver(string deviceId)
    {
        metrics.Takeover();
        var now = time.GetUtcNow();
        int takeovers;
        lock (_lock)
        {
            if (!_recent.TryGetValue(deviceId, out var times))
                _recent[deviceId] = times = new Queue<DateTimeOffset>();
            times.Enqueue(now);
            while (times.Count > 0 && now - times.Peek() > Window)
                times.Dequeue();
            takeovers = times.Count;
            if (takeovers < Threshold)
                return;
            _recent.Remove(deviceId);
        }
        evidence.RecordSessionFight(deviceId, takeovers);
    }
}
