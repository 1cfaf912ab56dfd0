namespace EdgeMlops.Packaging;

/// <summary>Bounds on what extracting a package archive may write, against zip bombs.</summary>
public sealed record ArchiveLimits
{
    /// <summary>Room for a model of a few GB and a canary set of thousands of images.</summary>
    public static ArchiveLimits Default { get; } = new();

    /// <summary>Most entries an archive may hold.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Most uncompressed bytes all entries together may hold.</summary>
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;
}
