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
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly object _writeLock = new();
    private readonly SQLiteConnection _writer;
    private readonly List<PreparedStatement> _statements = [];
    private readonly ConcurrentBag<SQLiteConnection> _readers = [];
    private bool _disposed;

    public HubDatabase(IOptions<HubStoreOptions> options)
    {
        var store = options.Value;
        FilePath = store.ResolvedPath;
        SamplesDirectory = store.ResolvedSamplesDirectory;
        Synchronous = store.Synchronous;
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        Directory.CreateDirectory(SamplesDirectory);
        _writer = Open();
        var mode = _writer.ExecuteScalar<string>("PRAGMA journal_mode=WAL");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new HubStoreException($"could not switch {FilePath} to WAL (journal_mode is '{mode}')");
        _writer.Execute("PRAGMA cache_size=-32000"); // 32 MB: the record indexes' hot pages stay in memory
        _writer.RunInTransaction(() =>
        {
            foreach (var statement in HubSchema.Ddl.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                _writer.Execute(statement);
            _writer.Execute($"PRAGMA user_version={HubSchema.Version}");
        });
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
            return work(_writer);
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
            foreach (var statement in _statements)
                statement.Dispose();
            _writer.Dispose();
        }
        while (_readers.TryTake(out var reader))
            reader.Dispose();
    }

    private SQLiteConnection Open()
    {
        var connection = new SQLiteConnection(new SQLiteConnectionString(FilePath,
            SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: false));
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
}
