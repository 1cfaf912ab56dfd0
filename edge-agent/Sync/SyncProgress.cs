using EdgeMlops.EdgeAgent.Telemetry;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// How the sync is doing, for the status line and the metrics: written by the sync service, read from any thread.
/// Counters cover the process's lifetime; the backlog comes from the store.
/// </summary>
public sealed class SyncProgress
{
    /// <summary>The drain rate is measured over this trailing window.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly EdgeStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _rateLock = new();
    private readonly Queue<(DateTimeOffset At, long Acked)> _ackSamples = new();

    private volatile bool _connected;
    private volatile string? _broker;
    private long _publishedRecords;
    private long _ackedRecords;
    private long _rejectedByHub;
    private long _unsendable;
    private long _batches;
    private long _samples;
    private long _reconnects;
    private long _connectFailures;
    private long _refusedPublishes;
    private long _desiredRejected;
    private long _epochsStarted;
    private long _quotaRefusals;

    public SyncProgress(EdgeStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _ackSamples.Enqueue((time.GetUtcNow(), 0));
    }

    public bool Connected => _connected;

    /// <summary>The broker as configured (never with credentials); null while sync is disabled.</summary>
    public string? Broker => _broker;

    /// <summary>Records put on the wire, resends included.</summary>
    public long PublishedRecords => Interlocked.Read(ref _publishedRecords);

    /// <summary>Records the broker acknowledged, which then left the outbox.</summary>
    public long AckedRecords => Interlocked.Read(ref _ackedRecords);

    /// <summary>Records dropped because the hub refused them as poison (PayloadFormatInvalid, 0x99).</summary>
    public long RejectedByHub => Interlocked.Read(ref _rejectedByHub);

    /// <summary>Records dropped unsent because no valid payload can be made of them (over every size limit, unreadable).</summary>
    public long Unsendable => Interlocked.Read(ref _unsendable);

    /// <summary>Telemetry batches published.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Sample frames published.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Connections made after the first one.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Connection attempts that failed.</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Publishes the broker refused for now (NotAuthorized and the like); their records stayed and were retried.</summary>
    public long RefusedPublishes => Interlocked.Read(ref _refusedPublishes);

    /// <summary>Desired-state messages refused (malformed, another device's, an old revision).</summary>
    public long DesiredRejected => Interlocked.Read(ref _desiredRejected);

    /// <summary>New outbox epochs started because the hub said so (a clone published under this identity and epoch).</summary>
    public long EpochsStarted => Interlocked.Read(ref _epochsStarted);

    /// <summary>Publishes the hub refused with 0x97 (the device's quota is used up); their records were kept.</summary>
    public long QuotaRefusals => Interlocked.Read(ref _quotaRefusals);

    /// <summary>Everything at once, with the backlog, the drain rate and the time the backlog needs at that rate.</summary>
    public SyncProgressSnapshot Snapshot()
    {
        var pending = _store.PendingCount;
        var rate = RecordsPerSecond();
        TimeSpan? eta = pending > 0 && rate > 0 ? TimeSpan.FromSeconds(pending / rate) : null;
        return new SyncProgressSnapshot(Connected, Broker, pending, _store.OldestPendingSeq, rate, PublishedRecords, AckedRecords,
            RejectedByHub, Reconnects, eta);
    }

    /// <summary>Records acknowledged per second over the last <see cref="RateWindow"/>.</summary>
    public double RecordsPerSecond()
    {
        var now = _time.GetUtcNow();
        var acked = AckedRecords;
        lock (_rateLock)
        {
            Prune(now);
            var (at, ackedThen) = _ackSamples.Peek();
            var span = now - at < RateWindow ? now - at : RateWindow;
            return span <= TimeSpan.Zero ? 0 : (acked - ackedThen) / span.TotalSeconds;
        }
    }

    internal void SetBroker(string broker) => _broker = broker;

    internal void SetConnected(bool connected, bool isReconnect = false)
    {
        _connected = connected;
        if (connected && isReconnect)
            Interlocked.Increment(ref _reconnects);
    }

    internal void ConnectFailed() => Interlocked.Increment(ref _connectFailures);

    internal void Published(OutboxMessage message)
    {
        Interlocked.Add(ref _publishedRecords, message.Records);
        Interlocked.Increment(ref message.IsSample ? ref _samples : ref _batches);
    }

    internal void Acked(long records)
    {
        var total = Interlocked.Add(ref _ackedRecords, records);
        var now = _time.GetUtcNow();
        lock (_rateLock)
        {
            _ackSamples.Enqueue((now, total));
            Prune(now);
        }
    }

    internal void RejectedByHubDropped(long records) => Interlocked.Add(ref _rejectedByHub, records);

    internal void UnsendableDropped(long records) => Interlocked.Add(ref _unsendable, records);

    internal void PublishRefused() => Interlocked.Increment(ref _refusedPublishes);

    internal void DesiredStateRejected() => Interlocked.Increment(ref _desiredRejected);

    internal void EpochStarted() => Interlocked.Increment(ref _epochsStarted);

    internal void QuotaRefused() => Interlocked.Increment(ref _quotaRefusals);

    // Keeps the newest sample at or before the window's start as the base the rate is measured from.
    private void Prune(DateTimeOffset now)
    {
        var windowStart = now - RateWindow;
        while (_ackSamples.Count >= 2 && _ackSamples.ElementAt(1).At <= windowStart)
            _ackSamples.Dequeue();
    }
}

/// <summary>The sync's state at one moment.</summary>
/// <param name="Connected">Whether the broker connection is up.</param>
/// <param name="Broker">The broker address; null when sync is disabled.</param>
/// <param name="Pending">Records in the outbox.</param>
/// <param name="OldestPendingSeq">Seq of the oldest of them; null when the outbox is empty.</param>
/// <param name="RecordsPerSecond">Records acknowledged per second over <see cref="SyncProgress.RateWindow"/>.</param>
/// <param name="PublishedRecords">Records published since start, resends included.</param>
/// <param name="AckedRecords">Records acknowledged since start.</param>
/// <param name="RejectedByHub">Records dropped as refused by the hub since start.</param>
/// <param name="Reconnects">Connections made after the first.</param>
/// <param name="Eta">How long the backlog takes at the current rate; null when there is none or nothing moves.</param>
public sealed record SyncProgressSnapshot(
    bool Connected,
    string? Broker,
    long Pending,
    long? OldestPendingSeq,
    double RecordsPerSecond,
    long PublishedRecords,
    long AckedRecords,
    long RejectedByHub,
    long Reconnects,
    TimeSpan? Eta)
{
    /// <summary>The sync's part of the status line: connection, backlog and how fast it drains.</summary>
    public string StatusText()
    {
        if (Broker is null)
            return "sync off";
        var text = new System.Text.StringBuilder(Connected ? "sync up" : "sync DOWN");
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $", backlog {Pending:N0}");
        if (RecordsPerSecond > 0)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $", draining {RecordsPerSecond:N0} rec/s");
        if (Eta is { } eta)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $", eta {eta:hh\\:mm\\:ss}");
        if (RejectedByHub > 0)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $", refused by hub {RejectedByHub:N0}");
        return text.ToString();
    }
}
