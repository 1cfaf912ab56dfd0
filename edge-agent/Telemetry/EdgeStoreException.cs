namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>The store could not do what was asked; the message names the file and the problem.</summary>
public sealed class EdgeStoreException : Exception
{
    public EdgeStoreException(string databasePath, StoreProblem problem, string reason, int recordsLost, Exception? innerException)
        : base($"Telemetry store '{databasePath}': {reason}", innerException)
    {
        DatabasePath = databasePath;
        Problem = problem;
        Reason = reason;
        RecordsLost = recordsLost;
    }

    /// <summary>The database file, as a full path.</summary>
    public string DatabasePath { get; }

    /// <summary>What went wrong, for decisions and metrics.</summary>
    public StoreProblem Problem { get; }

    /// <summary>What went wrong and what was being done, in words, without the path.</summary>
    public string Reason { get; }

    /// <summary>Records of the failed operation that were not stored (counted in <see cref="EdgeStore.LostRecords"/>).</summary>
    public int RecordsLost { get; }
}
