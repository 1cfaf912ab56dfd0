namespace EdgeMlops.Packaging;

/// <summary>Checks that a package directory holds exactly the files its (already signature-checked) manifest lists.</summary>
internal static class PackageContentVerifier
{
    private const int HashPrefixLength = 12;

    /// <exception cref="ModelPackageException">
    /// <see cref="ModelPackageError.MissingFile"/>, <see cref="ModelPackageError.UnlistedFile"/> or
    /// <see cref="ModelPackageError.FileTampered"/> for the first offending file.
    /// </exception>
    public static void Verify(string root, IReadOnlyList<PackageFileEntry> listed)
    {
        var present = PackageFiles.ListRelativePaths(root)
            .Where(path => path != PackageLayout.ManifestFile)
            .ToList();
        var presentSet = present.ToHashSet(StringComparer.Ordinal);
        var listedSet = listed.Select(entry => entry.Path).ToHashSet(StringComparer.Ordinal);

        var missing = listed.FirstOrDefault(entry => !presentSet.Contains(entry.Path));
        if (missing is not null)
        {
            throw new ModelPackageException(ModelPackageError.MissingFile,
                $"{missing.Path}: listed in the manifest but missing from '{root}'", missing.Path);
        }

        var unlisted = present.FirstOrDefault(path => !listedSet.Contains(path));
        if (unlisted is not null)
        {
            throw new ModelPackageException(ModelPackageError.UnlistedFile,
                $"{unlisted}: present in '{root}' but not listed in the manifest", unlisted);
        }

        foreach (var entry in listed)
        {
            VerifyContent(root, entry);
        }
    }

    private static void VerifyContent(string root, PackageFileEntry entry)
    {
        var path = Path.Combine(root, entry.Path);
        // Size first: it is free, and catches truncation without reading a large model.
        var size = new FileInfo(path).Length;
        if (size != entry.Size)
        {
            throw new ModelPackageException(ModelPackageError.FileTampered,
                $"{entry.Path}: size is {size} bytes, the manifest says {entry.Size}", entry.Path);
        }

        var sha256 = PackageFiles.Sha256Hex(path);
        if (sha256 != entry.Sha256)
        {
            throw new ModelPackageException(ModelPackageError.FileTampered,
                $"{entry.Path}: content does not match the manifest (sha256 expected {entry.Sha256[..HashPrefixLength]}..., actual {sha256[..HashPrefixLength]}...)",
                entry.Path);
        }
    }
}
