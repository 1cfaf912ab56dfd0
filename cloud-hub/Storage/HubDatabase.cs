using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SQLite;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>
/// The hub's SQLite file: one write connection (SQLite has one writer at a time anyway), used under a lock, and a small
/// pool of read connections that WAL lets run beside it.
/// </summary>
/// <remarks>
/// WAL with <c>synchronous=NORMAL</c> makes a commit durable against a killed hub; <c>FULL</c>
/// (<see cref="HubStoreOptions.Synchronous"/>) is needed to survive power loss too.
/// </remarks>
public sealed class HubDatabase : IDisposable
{
    private const int MaxPooledReaders = 8;
    private const int PageSize = 16_384;
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly object _writeLock = new();
    private readonly SQLiteConnection _writer;
    private readonly List<PreparedStatement> _statements = [];
    private readonly ConcurrentBag<SQLiteConnection> _readers = [];
    private readonly Checkpointer _checkpointer;
    private bool _disposed;

    public HubDatabase(IOptions<HubStoreOptions> options)
    {
        var store = options.Value;
        FilePath = store.ResolvedPath;
        SamplesDirectory = store.ResolvedSamplesDirectory;
        Synchronous = store.Synchronous;
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        Directory.CreateDirectory(SamplesDirectory);
        // Only ever used under the write lock, so SQLite need not lock each call too (a dozen per stored row).
        _writer = Open(SQLiteOpenFlags.NoMutex);
        try
        {
            // Only takes effect on a new file (before WAL and the first table fix it): bigger pages mean fewer, larger WAL
            // frames per commit and fewer b-tree splits for rows of several hundred bytes.
            _writer.Execute($"PRAGMA page_size={PageSize}");
            var mode = _writer.ExecuteScalar<string>("PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new HubStoreException($"could not switch {FilePath} to WAL (journal_mode is '{mode}')");
            _writer.Execute("PRAGMA cache_size=-32000"); // 32 MB: the record indexes' hot pages stay in memory
            // Checkpoints (copying the WAL back and syncing the file) run on their own thread, beside the writer; the
            // writer's own automatic checkpoint only backs that up, should the checkpointer fall far behind.
            _writer.ExecuteScalar<int>($"PRAGMA wal_autocheckpoint={Checkpointer.WriterFallbackPages}");
            HubSchema.Migrations.Apply(_writer, FilePath);
        }
        catch
        {
            // A file this release cannot use (not WAL-capable, written by a newer release) must not stay open.
            _writer.Dispose();
            throw;
        }
        _checkpointer = new Checkpointer(Open());
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>Where sample images live; the database holds paths relative to it.</summary>
    public string SamplesDirectory { get; }

    /// <summary>Whether commits are fsynced (<see cref="StoreSynchronous.Full"/>); sample files follow the same rule.</summary>
    public StoreSynchronous Synchronous { get; }

    /// <summary>Runs <paramref name="work"/> on the write connection, alone.</summary>
    public T Write<T>(Func<SQLiteConnection, T> work)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work(_writer);
            }
            finally
            {
                _checkpointer.MarkWritten();
            }
        }
    }

    /// <summary>Runs <paramref name="query"/> on a read connection; readers see the last committed state.</summary>
    public T Read<T>(Func<SQLiteConnection, T> query)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _readers.TryTake(out var pooled) ? pooled : Open();
        try
        {
            return query(connection);
        }
        finally
        {
            if (_disposed || _readers.Count >= MaxPooledReaders)
                connection.Dispose();
            else
                _readers.Add(connection);
        }
    }

    /// <summary>Compiles <paramref name="sql"/> for the write connection; use it only inside <see cref="Write{T}"/>.</summary>
    internal PreparedStatement Prepare(string sql)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var statement = new PreparedStatement(_writer.Handle, sql);
            _statements.Add(statement);
            return statement;
        }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _checkpointer.Dispose();
            foreach (var statement in _statements)
                statement.Dispose();
            _writer.Dispose();
        }
        while (_readers.TryTake(out var reader))
            reader.Dispose();
    }

    private SQLiteConnection Open(SQLiteOpenFlags threading = SQLiteOpenFlags.FullMutex)
    {
        var connection = new SQLiteConnection(new SQLiteConnectionString(FilePath,
            SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | threading, storeDateTimeAsTicks: false));
        try
        {
            connection.BusyTimeout = BusyTimeout;
            connection.Execute($"PRAGMA synchronous={(Synchronous == StoreSynchronous.Full ? "FULL" : "NORMAL")}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checkpoints the WAL on its own connection and thread a few times a second while there are writes, so the
    /// writer's commits never wait for a checkpoint's copying and syncing. Passive: it never blocks the writer or readers.
    /// </summary>
    private sealed class Checkpointer : IDisposable
    {
        /// <summary>The writer's automatic checkpoint threshold (pages; 64 MB of 16 KB pages), far above what the checkpointer lets pile up.</summary>
        public const int WriterFallbackPages = 4_096;

        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

        private readonly SQLiteConnection _connection;
        private readonly ManualResetEventSlim _stop = new();
        private readonly Thread _thread;
        private int _written;

        public Checkpointer(SQLiteConnection connection)
        {
            _connection = connection;
            _thread = new Thread(Run) { IsBackground = true, Name = "hub-db-checkpoint" };
            _thread.Start();
        }

        public void MarkWritten() => Volatile.Write(ref _written, 1);

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
            _connection.Dispose();
            _stop.Dispose();
        }

        private void Run()
        {
            while (!_stop.Wait(Interval))
            {
                if (Interlocked.Exchange(ref _written, 0) == 0)
                    continue;
                try
                {
                    _connection.ExecuteScalar<int>("PRAGMA wal_checkpoint(PASSIVE)");
                }
                catch (SQLiteException)
                {
                    // Busy or failed: the next round, or the writer's own automatic checkpoint, catches up.
                }
            }
        }
    }
}
