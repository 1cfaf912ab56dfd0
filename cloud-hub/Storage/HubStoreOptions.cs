namespace EdgeMlops.CloudHub.Storage;

/// <summary>Where and how the hub keeps its data; bound from the <c>Hub:Store</c> configuration section.</summary>
public sealed class HubStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Hub:Store";

    /// <summary>The SQLite database file; relative paths are resolved against the working directory.</summary>
    public string Path { get; set; } = "data/hub.db";

    /// <summary>Where sample images are written; defaults to <c>samples</c> beside the database file.</summary>
    public string? SamplesDirectory { get; set; }

    /// <summary>Sample image bytes one device may send in an hour; more are refused (0x97) until the hour has passed.</summary>
    public long SampleBytesPerHourPerDevice { get; set; } = 256L * 1024 * 1024;

    /// <summary>Sample image bytes kept on disk for one device; beyond this its new samples are refused (0x97).</summary>
    public long StoredSampleBytesPerDevice { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How hard a commit pushes data to the disk.</summary>
    public StoreSynchronous Synchronous { get; set; } = StoreSynchronous.Normal;

    /// <summary>The database file as an absolute path.</summary>
    public string ResolvedPath => System.IO.Path.GetFullPath(Path);

    /// <summary>The samples directory as an absolute path.</summary>
    public string ResolvedSamplesDirectory => System.IO.Path.GetFullPath(
        string.IsNullOrWhiteSpace(SamplesDirectory)
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(ResolvedPath) ?? ".", "samples")
            : SamplesDirectory);
}

/// <summary>SQLite's <c>PRAGMA synchronous</c>, as far as the hub offers it.</summary>
public enum StoreSynchronous
{
    /// <summary>
    /// With WAL, a commit survives a killed process (the OS still has the pages) but the last commits can be lost on
    /// power loss. Devices then still hold those records only if they were not yet acknowledged, so use
    /// <see cref="Full"/> where the host can lose power.
    /// </summary>
    Normal,

    /// <summary>Every commit is fsynced before it is acknowledged: durable against power loss, at a cost per commit.</summary>
    Full,
}
