using System.Security.Cryptography;

namespace EdgeMlops.Packaging;

/// <summary>Lists and hashes the files of a package directory.</summary>
internal static class PackageFiles
{
    // Nothing is skipped: a planted hidden file must show up as unlisted rather than slip past verification.
    private static readonly EnumerationOptions EveryFileRecursively = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
    };

    /// <summary>Every file under <paramref name="root"/>, package-relative with forward slashes, in ordinal order.</summary>
    public static IReadOnlyList<string> ListRelativePaths(string root) =>
        Directory.EnumerateFiles(root, "*", EveryFileRecursively)
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The manifest entry for one file: its size and SHA-256.</summary>
    public static PackageFileEntry Describe(string root, string relativePath)
    {
        var path = Path.Combine(root, relativePath);
        return new PackageFileEntry { Path = relativePath, Sha256 = Sha256Hex(path), Size = new FileInfo(path).Length };
    }

    /// <summary>SHA-256 of a file as lowercase hex, read as a stream so large models are never held in memory.</summary>
    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
