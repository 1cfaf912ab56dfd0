namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>What went wrong with the store's database file.</summary>
public enum StoreProblem
{
    /// <summary>The disk (or SQLite's page limit) is full. The file stays open; writes succeed again once there is space.</summary>
    DiskFull,

    /// <summary>The file exists but is not a SQLite database.</summary>
    NotADatabase,

    /// <summary>The file is a SQLite database of something else (another application, the hub); it is left untouched.</summary>
    NotOurs,

    /// <summary>The file is a damaged SQLite database.</summary>
    Corrupt,

    /// <summary>The file or its directory cannot be opened or created.</summary>
    CannotOpen,

    /// <summary>The file or its directory is read-only, or access is denied.</summary>
    ReadOnly,

    /// <summary>Another process holds a lock on the database. The file stays open.</summary>
    Locked,

    /// <summary>The operating system reported an I/O error.</summary>
    IoError,

    /// <summary>Any other failure.</summary>
    Unexpected,
}
