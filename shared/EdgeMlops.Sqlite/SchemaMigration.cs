using SQLite;
using SQLitePCL;

namespace EdgeMlops.Sqlite;

/// <summary>
/// One step of a database's schema, from <see cref="Version"/> - 1 to <see cref="Version"/>. It runs inside the
/// transaction <see cref="SchemaMigrations.Apply"/> opens, so it must not begin or commit one of its own.
/// </summary>
/// <param name="Version">The <c>user_version</c> the file has once this step is applied; 1 for the first step.</param>
/// <param name="Description">What the step adds, for the reader of the list (and of an error).</param>
/// <param name="Apply">Changes the schema (and moves data) on the connection it is given.</param>
public sealed record SchemaMigration(int Version, string Description, Action<SQLiteConnection> Apply)
{
    /// <summary>A step that is a SQL script: any number of statements, comments allowed.</summary>
    public static SchemaMigration Sql(int version, string description, string script) =>
        new(version, description, connection => Execute(connection, script));

    /// <summary>Runs every statement of <paramref name="script"/>; sqlite-net's <c>Execute</c> would run only the first.</summary>
    private static void Execute(SQLiteConnection connection, string script)
    {
        var result = raw.sqlite3_exec(connection.Handle, script, out var message);
        if (result != raw.SQLITE_OK)
            throw SQLiteException.New((SQLite3.Result)result, message ?? raw.sqlite3_errmsg(connection.Handle).utf8_to_string());
    }
}
