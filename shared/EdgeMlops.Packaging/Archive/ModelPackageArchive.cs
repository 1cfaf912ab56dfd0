using System.IO.Compression;

namespace EdgeMlops.Packaging;

/// <summary>The <c>.zip</c> transport form of a package directory.</summary>
public static class ModelPackageArchive
{
    private const int CopyBufferSize = 81_920;

    /// <summary>Zips every file of <paramref name="packageDirectory"/> with package-relative, forward-slash entry names.</summary>
    /// <exception cref="IOException"><paramref name="zipPath"/> already exists.</exception>
    public static void Pack(string packageDirectory, string zipPath)
    {
        var root = Path.GetFullPath(packageDirectory);
        var files = PackageFiles.ListRelativePaths(root);
        // Opening refuses an existing file, so from here on the zip is ours to delete if packing fails.
        var archive = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        try
        {
            foreach (var relativePath in files)
            {
                archive.CreateEntryFromFile(Path.Combine(root, relativePath), relativePath, CompressionLevel.Optimal);
            }

            archive.Dispose();
        }
        catch
        {
            archive.Dispose();
            File.Delete(zipPath);
            throw;
        }
    }

    /// <summary>
    /// Extracts a package archive into a new or empty directory. Every entry name is checked before anything is
    /// written; every entry's size and CRC-32 are checked while it is written. On failure the directory is left as
    /// it was found. Extraction does not verify the package: use <see cref="ModelPackageVerifier"/> for that.
    /// </summary>
    /// <exception cref="ModelPackageException">
    /// <see cref="ModelPackageError.CorruptArchive"/> or <see cref="ModelPackageError.UnsafeArchiveEntry"/>.
    /// </exception>
    /// <exception cref="IOException"><paramref name="targetDirectory"/> exists and is not empty.</exception>
    public static void Extract(string zipPath, string targetDirectory, ArchiveLimits? limits = null)
    {
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            var files = SelectFileEntries(archive, zipPath, limits ?? ArchiveLimits.Default);
            var target = ClaimedDirectory.Claim(targetDirectory);
            try
            {
                foreach (var entry in files)
                {
                    ExtractEntry(entry, Path.Combine(target.Path, entry.FullName));
                }
            }
            catch
            {
                target.Restore();
                throw;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException(ModelPackageError.CorruptArchive,
                $"{zipPath}: damaged or truncated zip archive ({e.Message})", zipPath, e);
        }
    }

    /// <summary>The entries to write (directory entries are implied by file paths), once all of them pass the checks.</summary>
    private static List<ZipArchiveEntry> SelectFileEntries(ZipArchive archive, string zipPath, ArchiveLimits limits)
    {
        if (archive.Entries.Count > limits.MaxEntries)
        {
            throw Unsafe(zipPath, $"holds {archive.Entries.Count} entries; the limit is {limits.MaxEntries}");
        }

        var files = archive.Entries.Where(entry => !entry.FullName.EndsWith('/')).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long totalBytes = 0;
        foreach (var entry in files)
        {
            if (!PackagePath.IsSafeRelative(entry.FullName))
            {
                throw Unsafe(zipPath, $"entry '{entry.FullName}' is absolute or leaves the package directory");
            }

            if (!names.Add(entry.FullName))
            {
                throw Unsafe(zipPath, $"entry '{entry.FullName}' appears more than once");
            }

            totalBytes += entry.Length;
            if (totalBytes > limits.MaxTotalBytes)
            {
                throw Unsafe(zipPath, $"entries declare more than {limits.MaxTotalBytes} bytes uncompressed (reached at '{entry.FullName}')");
            }
        }

        return files;
    }

    private static void ExtractEntry(ZipArchiveEntry entry, string destination)
    {
        try
        {
            CopyChecked(entry, destination);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"entry '{entry.FullName}': {e.Message}", e);
        }
    }

    private static void CopyChecked(ZipArchiveEntry entry, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var source = entry.Open();
        using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[CopyBufferSize];
        long written = 0;
        uint crc = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            written += read;
            // The declared sizes were checked against the limits, so the data may not outgrow them.
            if (written > entry.Length)
            {
                throw new InvalidDataException($"holds more than its declared {entry.Length} bytes");
            }

            crc = Crc32.Append(crc, buffer.AsSpan(0, read));
            file.Write(buffer, 0, read);
        }

        if (written != entry.Length)
        {
            throw new InvalidDataException($"holds {written} bytes, it declares {entry.Length}");
        }

        if (crc != entry.Crc32)
        {
            throw new InvalidDataException("fails its CRC-32 check");
        }
    }

    private static ModelPackageException Unsafe(string zipPath, string problem) =>
        new(ModelPackageError.UnsafeArchiveEntry, $"{zipPath}: {problem}", zipPath);
}
