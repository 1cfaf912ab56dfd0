using EdgeMlops.Sqlite;
using SQLite;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Turns what SQLite and the file system throw into a <see cref="StoreProblem"/> and a sentence an operator can act on.</summary>
internal static class StoreFailures
{
    public static EdgeStoreException Describe(Exception failure, string databasePath, string operation, int recordsLost)
    {
        var (problem, explanation) = Classify(failure);
        return new EdgeStoreException(databasePath, problem, $"{explanation} while {operation} ({failure.Message})", recordsLost, failure);
    }

    /// <summary>Whether the file stays usable after <paramref name="problem"/>, so the connection is kept.</summary>
    public static bool IsTransient(StoreProblem problem) => problem is StoreProblem.DiskFull or StoreProblem.Locked;

    private static (StoreProblem, string) Classify(Exception failure) => failure switch
    {
        SQLiteException { Result: SQLite3.Result.Full } =>
            (StoreProblem.DiskFull, "the disk is full (SQLITE_FULL); free space or lower Store:BudgetMegabytes"),
        SQLiteException { Result: SQLite3.Result.NonDBFile } =>
            (StoreProblem.NotADatabase, "the file is not a SQLite database (SQLITE_NOTADB); move it away or point Store:Path elsewhere"),
        ForeignDatabaseException =>
            (StoreProblem.NotOurs, "the file is a SQLite database of something else and is left untouched; point Store:Path at a new file"),
        SQLiteException { Result: SQLite3.Result.Corrupt } =>
            (StoreProblem.Corrupt, "the database file is corrupt (SQLITE_CORRUPT)"),
        SQLiteException { Result: SQLite3.Result.CannotOpen } =>
            (StoreProblem.CannotOpen, "the file cannot be opened or created (SQLITE_CANTOPEN); check that its directory exists and is writable"),
        SQLiteException { Result: SQLite3.Result.ReadOnly or SQLite3.Result.Perm or SQLite3.Result.AccessDenied } =>
            (StoreProblem.ReadOnly, "the file is read-only or access is denied"),
        SQLiteException { Result: SQLite3.Result.Busy or SQLite3.Result.Locked } =>
            (StoreProblem.Locked, "another process holds a lock on the database"),
        SQLiteException { Result: SQLite3.Result.IOError } =>
            (StoreProblem.IoError, "the operating system reported an I/O error (SQLITE_IOERR)"),
        SQLiteException sqlite =>
            (StoreProblem.Unexpected, $"SQLite failed with {sqlite.Result}"),
        UnauthorizedAccessException =>
            (StoreProblem.ReadOnly, "access to the file or its directory is denied"),
        IOException =>
            (StoreProblem.CannotOpen, "the file or its directory cannot be created"),
        _ => (StoreProblem.Unexpected, "an unexpected error occurred"),
    };
}
