using SQLite;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>
/// One open connection to the store's SQLite file and the SQL the store needs. Not thread-safe: <see cref="EdgeStore"/>
/// serializes every call. Failures surface as the raw SQLite or I/O exceptions; the caller describes them.
/// </summary>
internal sealed class StoreDatabase : IDisposable
{
    // Past this size the WAL file is truncated after a checkpoint, so a burst does not leave it large for good.
    private const long WalSizeLimitBytes = 4 * 1024 * 1024;

    private readonly SQLiteConnection _connection;

    private StoreDatabase(SQLiteConnection connection, string journalMode)
    {
        _connection = connection;
        JournalMode = journalMode;
        PageSize = connection.ExecuteScalar<long>("PRAGMA page_size");
    }

    /// <summary>The journal mode in force: "wal" unless the file system cannot do WAL.</summary>
    public string JournalMode { get; }

    public long PageSize { get; }

    /// <summary>Opens (creating if need be) the file and brings its tables to <see cref="StoreSchema"/>'s latest step: WAL, synchronous=NORMAL.</summary>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    /// <exception cref="SQLiteException">The file cannot be opened or is not a usable database.</exception>
    /// <exception cref="EdgeMlops.Sqlite.SchemaTooNewException">A newer release wrote the file.</exception>
    public static StoreDatabase Open(string fullPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connection = new SQLiteConnection(fullPath);
        try
        {
            // The first statement to read the file: a file that is not a database fails here.
            var journalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode=WAL");
            // In WAL mode NORMAL keeps the file consistent through a power cut and skips the fsync per commit; what it
            // may lose is made durable before anyone sees it (see MakeDurable).
            connection.Execute("PRAGMA synchronous=NORMAL");
            connection.ExecuteScalar<long>($"PRAGMA journal_size_limit={WalSizeLimitBytes}");
            StoreSchema.Migrations.Apply(connection, fullPath);
            return new StoreDatabase(connection, journalMode);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public long ReadCounter(string key) => _connection.Find<MetaRow>(key)?.Value ?? 0;

    /// <summary>
    /// The file's epoch: drawn at random the first time the file is opened, so that a device whose file was lost (seqs
    /// starting at 1 again) is told apart from the one before it. Changed only when the hub says so (<see cref="ReplaceEpoch"/>).
    /// </summary>
    public long ReadOrCreateEpoch()
    {
        // INSERT OR IGNORE, then read: whatever is stored wins, so an epoch is never replaced once written.
        _connection.Execute($"INSERT OR IGNORE INTO {TableNames.Meta} (key, value) VALUES (?, ?)", MetaKeys.Epoch, StoreEpoch.NewEpoch());
        return ReadCounter(MetaKeys.Epoch);
    }

    /// <summary>
    /// Replaces the epoch <paramref name="leaving"/> with a new random one, keeping every record and seq: the hub asked
    /// for it because another box published under this file's (device, epoch) as well (a cloned disk image). Null, and
    /// nothing changed, when the file's epoch is no longer <paramref name="leaving"/>.
    /// </summary>
    public long? ReplaceEpoch(long leaving)
    {
        long next;
        do
            next = StoreEpoch.NewEpoch();
        while (next == leaving);
        var changed = _connection.Execute($"UPDATE {TableNames.Meta} SET value = ? WHERE key = ? AND value = ?", next, MetaKeys.Epoch, leaving);
        return changed == 1 ? next : null;
    }

    /// <summary>Inserts <paramref name="batch"/> under seqs <paramref name="firstSeq"/>.. and records the last one, all in one transaction.</summary>
    public void Append(IReadOnlyList<PendingRecord> batch, long firstSeq)
    {
        InTransaction(() =>
        {
            var seq = firstSeq;
            foreach (var record in batch)
            {
                _connection.Insert(record.ToRow(seq));
                _connection.Insert(new OutboxRow { Seq = seq, Kind = record.Kind, CreatedAtMs = record.CreatedAt.ToUnixTimeMilliseconds() });
                seq++;
            }
            _connection.InsertOrReplace(new MetaRow { Key = MetaKeys.LastSeq, Value = seq - 1 });
        });
    }

    public List<OutboxEntryRow> ReadOutbox(long afterSeq, int max) => _connection.Query<OutboxEntryRow>(
        $"""
        SELECT o.seq AS Seq, o.kind AS Kind, o.created_at_ms AS CreatedAtMs,
               COALESCE(e.payload, s.payload, p.payload, r.payload) AS Payload, r.jpeg AS Jpeg
        FROM {TableNames.Outbox} o
        LEFT JOIN {TableNames.VehicleEvents} e ON e.seq = o.seq
        LEFT JOIN {TableNames.CameraStats} s ON s.seq = o.seq
        LEFT JOIN {TableNames.PrecisionReports} p ON p.seq = o.seq
        LEFT JOIN {TableNames.ReviewSamples} r ON r.seq = o.seq
        WHERE o.seq > ?
        ORDER BY o.seq
        LIMIT ?
        """,
        afterSeq, max);

    /// <summary>Deletes every record up to <paramref name="upToSeq"/>, outbox and typed rows alike; returns how many.</summary>
    public int Acknowledge(long upToSeq)
    {
        var removed = 0;
        InTransaction(() =>
        {
            foreach (var kind in StoredKind.All)
                _connection.Execute($"DELETE FROM {kind.Table} WHERE seq <= ?", upToSeq);
            removed = _connection.Execute($"DELETE FROM {TableNames.Outbox} WHERE seq <= ?", upToSeq);
        });
        return removed;
    }

    /// <summary>
    /// Deletes up to <paramref name="rows"/> of the oldest records of <paramref name="kind"/> with their outbox rows,
    /// and adds them to its persisted eviction counter; returns how many. Call inside <see cref="InTransaction"/>.
    /// </summary>
    public int EvictOldest(StoredKind kind, int rows)
    {
        var upToSeq = _connection.ExecuteScalar<long?>(
            $"SELECT MAX(seq) FROM (SELECT seq FROM {kind.Table} ORDER BY seq LIMIT ?)", rows);
        if (upToSeq is null)
            return 0;
        var removed = _connection.Execute($"DELETE FROM {kind.Table} WHERE seq <= ?", upToSeq);
        _connection.Execute($"DELETE FROM {TableNames.Outbox} WHERE seq <= ? AND kind = ?", upToSeq, kind.Kind);
        _connection.Execute(
            $"INSERT INTO {TableNames.Meta} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
            kind.EvictedKey, removed);
        return removed;
    }

    public long CountPending() => _connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {TableNames.Outbox}");

    public long? OldestPending() => _connection.ExecuteScalar<long?>($"SELECT MIN(seq) FROM {TableNames.Outbox}");

    /// <summary>
    /// Bytes in pages that hold data. Free pages are left out: SQLite reuses them for the next inserts, so the file
    /// stays at its high-water mark (about the budget plus one batch) without incremental vacuum, which would rewrite
    /// pages (flash wear) only to grow the file again moments later.
    /// </summary>
    public long UsedBytes() =>
        (_connection.ExecuteScalar<long>("PRAGMA page_count") - _connection.ExecuteScalar<long>("PRAGMA freelist_count")) * PageSize;

    /// <summary>
    /// Makes every committed transaction survive a power cut. With synchronous=NORMAL, WAL commits reach the disk only
    /// at a checkpoint; a record the hub has seen must never be rolled back by a power cut, or its seq would be issued
    /// again to a different record and the hub would drop that one as a duplicate.
    /// </summary>
    public void MakeDurable() => _connection.ExecuteScalar<long>("PRAGMA wal_checkpoint(PASSIVE)");

    public void InTransaction(Action work)
    {
        _connection.BeginTransaction();
        try
        {
            work();
            _connection.Commit();
        }
        catch
        {
            RollbackAfterFailure();
            throw;
        }
    }

    public void Dispose() => _connection.Dispose();

    private void RollbackAfterFailure()
    {
        try
        {
            _connection.Rollback();
        }
        catch (SQLiteException)
        {
            // SQLite may have rolled back by itself (it does after SQLITE_FULL and some I/O errors); the failure that
            // caused the rollback is the one the caller reports.
        }
    }
}
