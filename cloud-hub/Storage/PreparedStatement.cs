using SQLitePCL;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>
/// A statement compiled once and run many times on the hub's write connection: the hot ingest path binds, steps and
/// resets, and never parses SQL per row.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly string _sql;

    public PreparedStatement(sqlite3 db, string sql)
    {
        _db = db;
        _sql = sql;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement), "prepare");
    }

    public PreparedStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value), "bind");
        return this;
    }

    public PreparedStatement Bind(int index, long? value) =>
        value is { } v ? Bind(index, v) : BindNull(index);

    public PreparedStatement Bind(int index, double value)
    {
        Check(raw.sqlite3_bind_double(_statement, index, value), "bind");
        return this;
    }

    public PreparedStatement Bind(int index, double? value) =>
        value is { } v ? Bind(index, v) : BindNull(index);

    public PreparedStatement Bind(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value), "bind");
        return this;
    }

    /// <summary>Binds UTF-8 text as it is, without a round trip through a string.</summary>
    public PreparedStatement BindUtf8(int index, ReadOnlySpan<byte> utf8)
    {
        Check(raw.sqlite3_bind_text(_statement, index, utf8), "bind");
        return this;
    }

    public PreparedStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index), "bind");
        return this;
    }

    /// <summary>Runs a statement that returns no rows and resets it; returns the rows it changed (0 for an ignored insert).</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
                Check(rc, "step");
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc, string what)
    {
        if (rc != raw.SQLITE_OK)
            throw new HubStoreException(
                $"SQLite {what} failed ({rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}) for: {_sql.Split('\n')[0].Trim()}");
    }
}
