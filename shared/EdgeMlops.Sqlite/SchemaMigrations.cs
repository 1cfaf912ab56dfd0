using SQLite;

namespace EdgeMlops.Sqlite;

/// <summary>
/// A database's schema as an ordered list of <see cref="SchemaMigration"/>s, versions 1, 2, 3...; the version a file
/// has reached is its <c>PRAGMA user_version</c>. Adding a table is adding the next step at the end of the list.
/// </summary>
public sealed class SchemaMigrations
{
    private readonly IReadOnlyList<SchemaMigration> _steps;

    /// <param name="database">What the file is, for messages, e.g. "hub database".</param>
    /// <exception cref="ArgumentException">The steps are not numbered 1, 2, 3... in order.</exception>
    public SchemaMigrations(string database, params SchemaMigration[] steps)
    {
        for (var i = 0; i < steps.Length; i++)
        {
            if (steps[i].Version != i + 1)
                throw new ArgumentException($"{database} migration '{steps[i].Description}' has version {steps[i].Version}; expected {i + 1}", nameof(steps));
        }
        Database = database;
        _steps = steps;
    }

    public string Database { get; }

    /// <summary>The version a file has after every step: what this build writes.</summary>
    public int Latest => _steps.Count;

    /// <summary>The first <paramref name="version"/> steps: the schema as the release that stopped there wrote it.</summary>
    public SchemaMigrations UpTo(int version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, Latest);
        return new SchemaMigrations(Database, _steps.Take(version).ToArray());
    }

    /// <summary>
    /// Brings the file behind <paramref name="connection"/> to <see cref="Latest"/>: the steps it has not had, in order,
    /// in one transaction, each recording its version. A failing step rolls all of them back, leaving the file as it was.
    /// </summary>
    /// <returns>The version the file had before.</returns>
    /// <exception cref="SchemaTooNewException">The file was written by a newer build; it is left untouched.</exception>
    public int Apply(SQLiteConnection connection, string filePath)
    {
        var found = UserVersion(connection);
        if (found == Latest)
            return found;
        ThrowIfNewer(found, filePath);

        // IMMEDIATE takes the write lock before reading the version again: a second process opening the same file at
        // the same moment (the CLI beside a running hub) waits, then finds the work done.
        connection.Execute("BEGIN IMMEDIATE");
        try
        {
            found = UserVersion(connection);
            ThrowIfNewer(found, filePath);
            foreach (var step in _steps.Skip(found))
            {
                step.Apply(connection);
                connection.Execute($"PRAGMA user_version={step.Version}");
            }
            connection.Execute("COMMIT");
            return found;
        }
        catch
        {
            Rollback(connection);
            throw;
        }
    }

    private static int UserVersion(SQLiteConnection connection) => connection.ExecuteScalar<int>("PRAGMA user_version");

    private void ThrowIfNewer(int found, string filePath)
    {
        if (found > Latest)
            throw new SchemaTooNewException(Database, filePath, found, Latest);
    }

    private static void Rollback(SQLiteConnection connection)
    {
        try
        {
            connection.Execute("ROLLBACK");
        }
        catch (SQLiteException)
        {
            // SQLite may have rolled back by itself (after SQLITE_FULL, some I/O errors); the step's failure is the news.
        }
    }
}

/// <summary>A database file has a schema version this build does not know: a newer release wrote it.</summary>
public sealed class SchemaTooNewException(string database, string filePath, int fileVersion, int knownVersion)
    : Exception($"{database} {filePath} has schema version {fileVersion}, newer than version {knownVersion} that this release knows; " +
        "it was written by a newer release: run that release, or move the file away to start a new one")
{
    public string FilePath { get; } = filePath;
    public int FileVersion { get; } = fileVersion;
    public int KnownVersion { get; } = knownVersion;
}
