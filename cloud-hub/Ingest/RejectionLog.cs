using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>One refused message or record, as the API shows it.</summary>
public sealed record IngestRejection(DateTimeOffset At, string Topic, string? DeviceId, string Channel, string Kind, string Reason);

/// <summary>
/// Keeps the last rejections for the API and logs them as warnings, at most <see cref="LogBurst"/> per minute: a device
/// flooding bad payloads must not fill the disk with logs. What was not logged is summed up in the next window.
/// </summary>
public sealed class RejectionLog(TimeProvider time, ILogger<RejectionLog> logger)
{
    /// <summary>Rejections kept for the API.</summary>
    public const int Capacity = 100;

    /// <summary>Warnings logged per minute at most.</summary>
    public const int LogBurst = 20;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Queue<IngestRejection> _recent = new(Capacity);
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _loggedInWindow;
    private long _suppressed;

    /// <summary>The last rejections, newest first.</summary>
    public IReadOnlyList<IngestRejection> Recent()
    {
        lock (_lock)
            return _recent.Reverse().ToList();
    }

    internal void Add(string topic, string? deviceId, string channel, string kind, string reason)
    {
        var now = time.GetUtcNow();
        var rejection = new IngestRejection(now, topic, deviceId, channel, kind, reason);
        bool log;
        long suppressed = 0;
        lock (_lock)
        {
            if (_recent.Count == Capacity)
                _recent.Dequeue();
            _recent.Enqueue(rejection);
            if (now - _windowStart >= Window)
            {
                suppressed = _suppressed;
                _suppressed = 0;
                _windowStart = now;
                _loggedInWindow = 0;
            }
            log = _loggedInWindow < LogBurst;
            if (log)
                _loggedInWindow++;
            else
                _suppressed++;
        }
        if (suppressed > 0)
            logger.LogWarning("{Suppressed} more ingest rejections were not logged in the last minute", suppressed);
        if (log)
            logger.LogWarning("Rejected {Channel} message from device {DeviceId} on {Topic}: {Kind}: {Reason}",
                channel, LogText.Escape(deviceId), LogText.Escape(topic), kind, LogText.Escape(reason));
    }

    internal void Add(string topic, DeviceTopic deviceTopic, PayloadRejection rejection) =>
        Add(topic, deviceTopic.DeviceId, IngestChannels.Name(deviceTopic.Channel), rejection.Kind.ToString(), rejection.Reason);
}
