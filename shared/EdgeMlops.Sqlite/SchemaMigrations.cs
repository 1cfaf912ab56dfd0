using SQLite;

namespace EdgeMlops.Sqlite;

/// <summary>
/// A database's schema as an ordered list of <see cref="SchemaMigration"/>s, versions 1, 2, 3...; the version a file
/// has reached is its <c>PRAGMA user_version</c>. Adding a table is adding the next step at the end of the list.
/// </summary>
public sealed class SchemaMigrations
{
    private readonly IReadOnlyList<SchemaMigration> _steps;
    private Lazy<HashSet<string>>? _ownObjects;

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

    /// <summary>
    /// The file's owner mark, written to <c>PRAGMA application_id</c> by <see cref="Apply"/>; 0 for none. With a mark,
    /// a file that carries another mark, or has tables no step of this list creates, is refused untouched: a path
    /// pointed at someone else's database must not get our tables added to it. An unmarked file whose tables are all
    /// ours (written before the mark existed) is marked.
    /// </summary>
    public int ApplicationId { get; init; }

    /// <summary>The version a file has after every step: what this build writes.</summary>
    public int Latest => _steps.Count;

    /// <summary>The first <paramref name="version"/> steps: the schema as the release that stopped there wrote it.</summary>
    public SchemaMigrations UpTo(int version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, Latest);
        return new SchemaMigrations(Database, _steps.Take(version).ToArray()) { ApplicationId = ApplicationId };
    }

    /// <summary>
    /// Brings the file behind <paramref name="connection"/> to <see cref="Latest"/>: the steps it has not had, in order,
    /// in one transaction, each recording its version. A failing step rolls all of them back, leaving the file as it was.
    /// </summary>
    /// <returns>The version the file had before.</returns>
    /// <exception cref="SchemaTooNewException">The file was written by a newer build; it is left untouched.</exception>
    /// <exception cref="ForeignDatabaseException">The file belongs to something else (see <see cref="ApplicationId"/>); it is left untouched.</exception>
    public int Apply(SQLiteConnection connection, string filePath)
    {
        var found = UserVersion(connection);
        var marked = ApplicationId == 0 || Mark(connection) == ApplicationId;
        if (!marked)
            ThrowIfForeign(connection, filePath);
        if (found == Latest && marked)
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
            if (ApplicationId != 0)
                connection.Execute($"PRAGMA application_id={ApplicationId}");
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

    private static int Mark(SQLiteConnection connection) => connection.ExecuteScalar<int>("PRAGMA application_id");

    /// <summary>Refuses a file that carries another mark, or an unmarked one with a table, index or view none of the steps creates.</summary>
    private void ThrowIfForeign(SQLiteConnection connection, string filePath)
    {
        var mark = Mark(connection);
        if (mark != 0)
            throw new ForeignDatabaseException(Database, filePath, $"its application_id is {mark}, not {ApplicationId}");
        _ownObjects ??= new Lazy<HashSet<string>>(OwnObjects);
        var stranger = SchemaObjects(connection).FirstOrDefault(name => !_ownObjects.Value.Contains(name));
        if (stranger is not null)
            throw new ForeignDatabaseException(Database, filePath, $"it holds '{stranger}', which is not one of ours");
    }

    /// <summary>What the steps create, found by running them on an empty in-memory database: no list to keep in step.</summary>
    private HashSet<string> OwnObjects()
    {
        using var memory = new SQLiteConnection(":memory:");
        foreach (var step in _steps)
            step.Apply(memory);
        return new HashSet<string>(SchemaObjects(memory), StringComparer.OrdinalIgnoreCase);
    }

    private static List<string> SchemaObjects(SQLiteConnection connection) =>
        connection.QueryScalars<string>("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");

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

/// <summary>A database file belongs to another application (or another of our databases); it is left untouched.</summary>
public sealed class ForeignDatabaseException(string database, string filePath, string reason)
    : Exception($"{database}: {filePath} belongs to something else ({reason}); it is left untouched: point the path at a new file")
{
    public string FilePath { get; } = filePath;
}
