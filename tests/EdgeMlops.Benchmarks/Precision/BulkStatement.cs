using SQLitePCL;

namespace EdgeMlops.Benchmarks.Precision;

/// <summary>One INSERT compiled once and stepped per row on a raw connection: generation at the speed of SQLite itself.</summary>
internal sealed class BulkStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public BulkStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    public BulkStatement Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public BulkStatement Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public BulkStatement Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    public void Step()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
            throw new InvalidOperationException($"SQLite step failed ({rc}): {raw.sqlite3_errmsg(_db).utf8_to_string()}");
    }

    public void Dispose() => _statement.Dispose();

    private BulkStatement Check(int rc) => rc == raw.SQLITE_OK
        ? this
        : throw new InvalidOperationException($"SQLite failed ({rc}): {raw.sqlite3_errmsg(_db).utf8_to_string()}");
}
