using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>
/// The agent's telemetry database (one SQLite file, WAL): vehicle events, camera stats, precision reports and review samples, each with
/// an outbox entry under a sequence number that increases across restarts and is never reused.
/// </summary>
/// <remarks>
/// <para>Records arrive through <see cref="TelemetryQueue"/> and <see cref="TelemetryWriter"/>, one transaction per batch.</para>
/// <para>Acknowledged records are deleted, typed rows and outbox rows alike: the hub is the system of record, so the
/// file only ever holds what still has to leave, and every eviction means data that never reached the hub.</para>
/// <para>Size budget (<see cref="EdgeStoreOptions.BudgetMegabytes"/>), checked after every batch: when the pages holding
/// data exceed it, the oldest review samples are evicted first, then the oldest camera stats, then precision reports, vehicle events last.
/// Evicted records leave the outbox too, and every eviction is counted per kind in the file itself.</para>
/// <para>Failures never escape as anything but <see cref="EdgeStoreException"/>. A full disk or a lock held by
/// another process leaves the file open; any other failure closes it, and the next operation at least
/// <see cref="EdgeStoreOptions.ReopenInterval"/> later tries to open it again. Records of a batch that could not be
/// stored are counted in <see cref="LostRecords"/>.</para>
/// <para>Thread-safe: the writer appends while the sync reads and acknowledges. Counters can be read at any time;
/// they keep their last known values while the file is unavailable.</para>
/// </remarks>
public sealed class EdgeStore : IDisposable
{
    private readonly Lock _lock = new();
    private readonly EdgeStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeStore> _logger;
    private readonly BudgetEnforcer _budget;

    private StoreDatabase? _database;
    private EdgeStoreException? _openFailure;
    private DateTimeOffset _nextOpenAttempt;
    private bool _disposed;
    private long _durableSeq;
    private readonly HashSet<StoredKind> _evictionWarned = [];

    private long _epoch;
    private long _lastIssuedSeq;
    private long _pendingCount;
    private long _oldestPendingSeq;
    private long _recordsWritten;
    private long _batchesCommitted;
    private long _lostRecords;
    private long _evictedSamples;
    private long _evictedStats;
    private long _evictedEvents;
    private long _evictedPrecision;

    public EdgeStore(IOptions<EdgeStoreOptions> options, TimeProvider time, ILogger<EdgeStore> logger)
    {
        _options = options.Value;
        _options.Validate();
        _time = time;
        _logger = logger;
        _budget = new BudgetEnforcer(_options.BudgetMegabytes * 1024L * 1024L);
        DatabasePath = Path.GetFullPath(_options.Path);
    }

    /// <summary>The database file, as a full path.</summary>
    public string DatabasePath { get; }

    /// <summary>Whether the file is open right now.</summary>
    public bool IsAvailable
    {
        get
        {
            lock (_lock)
                return _database is not null;
        }
    }

    /// <summary>
    /// The incarnation of the file's seqs (<see cref="Contracts.TelemetryBatch.Epoch"/>): random, positive, chosen when the
    /// file was created and kept in it. 0 until the file has been opened once.
    /// </summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>The last sequence number issued; the next record gets the one after it.</summary>
    public long LastIssuedSeq => Interlocked.Read(ref _lastIssuedSeq);

    /// <summary>Records in the outbox, not yet acknowledged.</summary>
    public long PendingCount => Interlocked.Read(ref _pendingCount);

    /// <summary>Seq of the oldest record in the outbox; null when it is empty.</summary>
    public long? OldestPendingSeq => Interlocked.Read(ref _oldestPendingSeq) is var seq and > 0 ? seq : null;

    /// <summary>Records committed since the agent started.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Transactions that committed a batch since the agent started.</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    /// <summary>Records handed to the store that could not be stored (disk full, file unusable) since the agent started.</summary>
    public long LostRecords => Interlocked.Read(ref _lostRecords);

    /// <summary>Review samples ever evicted to stay within the budget (kept in the file, so it survives restarts).</summary>
    public long EvictedSamples => Interlocked.Read(ref _evictedSamples);

    /// <summary>Camera stats ever evicted to stay within the budget.</summary>
    public long EvictedStats => Interlocked.Read(ref _evictedStats);

    /// <summary>Vehicle events ever evicted to stay within the budget.</summary>
    public long EvictedEvents => Interlocked.Read(ref _evictedEvents);

    /// <summary>Precision reports ever evicted to stay within the budget.</summary>
    public long EvictedPrecision => Interlocked.Read(ref _evictedPrecision);

    /// <summary>Every record ever evicted, all kinds together.</summary>
    public long EvictedRecords => EvictedSamples + EvictedStats + EvictedPrecision + EvictedEvents;

    /// <summary>Opens the file now if it is not open, so a bad path shows at start rather than at the first batch.</summary>
    /// <exception cref="EdgeStoreException">The file cannot be opened.</exception>
    public void EnsureOpen() => Use("opening the database", 0, _ => 0);

    /// <summary>
    /// Up to <paramref name="max"/> outbox records with a seq above <paramref name="afterSeq"/>, in seq order, each with
    /// its payload (and JPEG, for samples). What it returns is durable: a power cut cannot take it back.
    /// </summary>
    /// <exception cref="EdgeStoreException">The file is unavailable.</exception>
    public IReadOnlyList<OutboxEntry> ReadOutbox(long afterSeq, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return Use("reading the outbox", 0, database =>
        {
            var rows = database.ReadOutbox(afterSeq, max);
            if (rows.Count > 0 && rows[^1].Seq > _durableSeq)
            {
                database.MakeDurable();
                _durableSeq = _lastIssuedSeq;
            }
            return rows.ConvertAll(row => new OutboxEntry(
                row.Seq, row.Kind, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs), row.Payload, row.Jpeg));
        });
    }

    /// <summary>
    /// Removes every record up to and including <paramref name="upToSeqInclusive"/> from the outbox and from its typed
    /// table, once the broker has acknowledged them; returns how many were removed. Only while the open file is the
    /// incarnation <paramref name="epoch"/>: the check and the delete happen under one lock, after any reopening, so seqs
    /// acknowledged for one file can never delete records of another. Null (nothing removed) when the file is another one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The seq was never issued in that file.</exception>
    /// <exception cref="EdgeStoreException">The file is unavailable.</exception>
    public int? Acknowledge(long epoch, long upToSeqInclusive)
    {
        lock (_lock)
        {
            // Checked before the store is used: a caller's mistake must not be taken for a failing file (which closes it).
            if (Epoch == epoch)
                ArgumentOutOfRangeException.ThrowIfGreaterThan(upToSeqInclusive, _lastIssuedSeq);
            return Use($"acknowledging records up to seq {upToSeqInclusive}", 0, database =>
                Epoch == epoch && upToSeqInclusive <= _lastIssuedSeq ? AcknowledgeIn(database, upToSeqInclusive) : (int?)null);
        }
    }

    /// <summary>
    /// Leaves epoch <paramref name="leaving"/> for a new random one, keeping every pending record under its seq: the sync
    /// then drains them again under the new epoch. Null, and nothing changed, when the file is no longer in that epoch.
    /// </summary>
    /// <exception cref="EdgeStoreException">The file is unavailable.</exception>
    public long? StartNewEpoch(long leaving)
    {
        lock (_lock)
        {
            return Use($"leaving epoch {leaving}", 0, database =>
            {
                if (Epoch != leaving || database.ReplaceEpoch(leaving) is not { } next)
                    return (long?)null;
                database.MakeDurable();
                Interlocked.Exchange(ref _epoch, next);
                return next;
            });
        }
    }

    private int AcknowledgeIn(StoreDatabase database, long upToSeqInclusive)
    {
        var removed = database.Acknowledge(upToSeqInclusive);
        Interlocked.Add(ref _pendingCount, -removed);
        Interlocked.Exchange(ref _oldestPendingSeq, database.OldestPending() ?? 0);
        return removed;
    }

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction under the next sequence numbers, then evicts what the budget
    /// requires. A batch that fails is lost as a whole, and its seqs are issued to the next batch instead: seqs the hub
    /// sees have no gaps but those of evictions.
    /// </summary>
    /// <exception cref="EdgeStoreException">The batch (or the eviction after it) failed.</exception>
    internal void Append(IReadOnlyList<PendingRecord> batch)
    {
        if (batch.Count == 0)
            return;
        lock (_lock)
        {
            Use($"storing {batch.Count} records", batch.Count, database =>
            {
                var firstSeq = _lastIssuedSeq + 1;
                database.Append(batch, firstSeq);
                Interlocked.Exchange(ref _lastIssuedSeq, firstSeq + batch.Count - 1);
                Interlocked.Add(ref _pendingCount, batch.Count);
                Interlocked.CompareExchange(ref _oldestPendingSeq, firstSeq, 0);
                Interlocked.Add(ref _recordsWritten, batch.Count);
                Interlocked.Increment(ref _batchesCommitted);
                return 0;
            });
            Use("evicting old records to stay within the size budget", 0, database =>
            {
                var evicted = _budget.Enforce(database);
                if (evicted.Total > 0)
                    Evicted(database, evicted);
                return 0;
            });
        }
    }

    /// <summary>Closes the file; SQLite checkpoints the WAL into it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _database?.Dispose();
            _database = null;
        }
    }

    private T Use<T>(string operation, int recordsAtStake, Func<StoreDatabase, T> work)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work(OpenedDatabase(operation, recordsAtStake));
            }
            catch (EdgeStoreException failure)
            {
                Interlocked.Add(ref _lostRecords, failure.RecordsLost);
                throw;
            }
            catch (Exception e)
            {
                // Everything else is described as well, bugs included: the writer must outlive any single batch.
                var failure = StoreFailures.Describe(e, DatabasePath, operation, recordsAtStake);
                if (!StoreFailures.IsTransient(failure.Problem))
                    Close(failure);
                Interlocked.Add(ref _lostRecords, failure.RecordsLost);
                throw failure;
            }
        }
    }

    private StoreDatabase OpenedDatabase(string operation, int recordsAtStake)
    {
        if (_database is not null)
            return _database;
        if (_openFailure is not null && _time.GetUtcNow() < _nextOpenAttempt)
            throw new EdgeStoreException(DatabasePath, _openFailure.Problem,
                $"unavailable while {operation}; next attempt to open it at {_nextOpenAttempt:u}; last failure: {_openFailure.Reason}",
                recordsAtStake, _openFailure);
        try
        {
            _database = Load(StoreDatabase.Open(DatabasePath));
            _openFailure = null;
            return _database;
        }
        catch (Exception e)
        {
            var failure = StoreFailures.Describe(e, DatabasePath, $"opening the database ({operation})", recordsAtStake);
            Close(failure);
            throw failure;
        }
    }

    private StoreDatabase Load(StoreDatabase database)
    {
        try
        {
            // Records a crashed process committed may still sit in the WAL; the sync is about to publish them.
            database.MakeDurable();
            Interlocked.Exchange(ref _epoch, database.ReadOrCreateEpoch());
            var lastSeq = database.ReadCounter(MetaKeys.LastSeq);
            Interlocked.Exchange(ref _lastIssuedSeq, lastSeq);
            _durableSeq = lastSeq;
            Interlocked.Exchange(ref _pendingCount, database.CountPending());
            Interlocked.Exchange(ref _oldestPendingSeq, database.OldestPending() ?? 0);
            Interlocked.Exchange(ref _evictedSamples, database.ReadCounter(MetaKeys.EvictedSamples));
            Interlocked.Exchange(ref _evictedStats, database.ReadCounter(MetaKeys.EvictedStats));
            Interlocked.Exchange(ref _evictedEvents, database.ReadCounter(MetaKeys.EvictedEvents));
            Interlocked.Exchange(ref _evictedPrecision, database.ReadCounter(MetaKeys.EvictedPrecision));
        }
        catch
        {
            database.Dispose();
            throw;
        }
        if (database.JournalMode != "wal")
            _logger.LogWarning("Telemetry store {DatabasePath}: the file system does not support WAL; running in journal mode {JournalMode}",
                DatabasePath, database.JournalMode);
        _logger.LogInformation("Telemetry store {DatabasePath} open: epoch {Epoch}, last seq {LastSeq}, {PendingCount} records pending, budget {BudgetMegabytes} MB",
            DatabasePath, Epoch, LastIssuedSeq, PendingCount, _options.BudgetMegabytes);
        return database;
    }

    private void Close(EdgeStoreException failure)
    {
        _database?.Dispose();
        _database = null;
        _openFailure = failure;
        _nextOpenAttempt = _time.GetUtcNow() + _options.ReopenInterval;
    }

    private void Evicted(StoreDatabase database, EvictionCounts evicted)
    {
        Interlocked.Add(ref _evictedSamples, evicted.Samples);
        Interlocked.Add(ref _evictedStats, evicted.Stats);
        Interlocked.Add(ref _evictedEvents, evicted.Events);
        Interlocked.Add(ref _evictedPrecision, evicted.Precision);
        Interlocked.Add(ref _pendingCount, -evicted.Total);
        Interlocked.Exchange(ref _oldestPendingSeq, database.OldestPending() ?? 0);
        // Eviction repeats with every batch once the budget is reached; warn once per kind, the counters tell the rest.
        foreach (var kind in StoredKind.All)
        {
            if (evicted.Of(kind) > 0 && _evictionWarned.Add(kind))
                _logger.LogWarning(
                    "Telemetry store {DatabasePath} reached its budget of {BudgetMegabytes} MB: evicting the oldest {Kind} records (evicted so far: {EvictedSamples} samples, {EvictedStats} stats, {EvictedPrecision} precision reports, {EvictedEvents} events)",
                    DatabasePath, _options.BudgetMegabytes, kind.Kind, EvictedSamples, EvictedStats, EvictedPrecision, EvictedEvents);
        }
        _logger.LogDebug("Telemetry store {DatabasePath} evicted {Samples} samples, {Stats} stats, {Precision} precision reports, {Events} events",
            DatabasePath, evicted.Samples, evicted.Stats, evicted.Precision, evicted.Events);
    }
}
