namespace EdgeMlops.Packaging;

/// <summary>One file of a package as the manifest lists it.</summary>
public sealed record PackageFileEntry
{
    /// <summary>Path relative to the package root, with forward slashes, e.g. <c>canary/car/0001.jpg</c>.</summary>
    public required string Path { get; init; }

    /// <summary>SHA-256 of the content, 64 lowercase hex characters.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }
}
