namespace EdgeMlops.Packaging;

/// <summary>
/// A directory that was absent or empty when claimed, so everything in it afterwards is ours and a failed
/// extraction can put it back as it was found.
/// </summary>
internal sealed class ClaimedDirectory
{
    private readonly bool existedBefore;

    private ClaimedDirectory(string path, bool existedBefore)
    {
        Path = path;
        this.existedBefore = existedBefore;
    }

    public string Path { get; }

    /// <exception cref="IOException">The directory exists and is not empty.</exception>
    public static ClaimedDirectory Claim(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var existed = Directory.Exists(fullPath);
        if (existed && Directory.EnumerateFileSystemEntries(fullPath).Any())
        {
            throw new IOException($"'{fullPath}' is not empty; extract into a new or empty directory");
        }

        Directory.CreateDirectory(fullPath);
        return new ClaimedDirectory(fullPath, existed);
    }

    /// <summary>Removes everything written since the claim, and the directory itself if the claim created it.</summary>
    public void Restore()
    {
        if (!existedBefore)
        {
            Directory.Delete(Path, recursive: true);
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(Path))
        {
            Directory.Delete(directory, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(Path))
        {
            File.Delete(file);
        }
    }
}
