using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// Sample images on disk, at <c>&lt;samples dir&gt;/&lt;device&gt;/&lt;epoch&gt;-&lt;seq&gt;.jpg</c>. A file appears whole or not at
/// all (written beside, then renamed), and is indexed only after that, so a killed hub never indexes half an image.
/// </summary>
public sealed class SampleFiles(HubDatabase database)
{
    /// <summary>Writes <paramref name="jpeg"/> under <paramref name="relativePath"/> (see <see cref="RelativePath"/>) unless the sample is already on disk.</summary>
    /// <remarks>An existing file is the same sample (same device, epoch and seq) delivered again, so it is never rewritten.</remarks>
    public void Save(string relativePath, ReadOnlySpan<byte> jpeg)
    {
        var path = FullPath(relativePath);
        if (File.Exists(path))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(jpeg);
                // With synchronous=FULL the index is fsynced, so the image it points to must be too.
                file.Flush(flushToDisk: database.Synchronous == StoreSynchronous.Full);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The absolute path of a sample stored under <paramref name="relativePath"/>.</summary>
    public string FullPath(string relativePath) => Path.Combine(database.SamplesDirectory, relativePath);

    /// <summary>Where a sample goes, relative to the samples directory; the device's directory name cannot leave it.</summary>
    /// <exception cref="ArgumentException"><paramref name="deviceId"/> is not a valid device id (<see cref="DeviceIds"/>).</exception>
    public static string RelativePath(string deviceId, long epoch, long seq) => $"{DirectoryName(deviceId)}/{epoch}-{seq}.jpg";

    // Only ids of the safe alphabet are enrolled and ingested, and that alphabet is a valid, visible directory name that
    // cannot leave the samples folder; anything else is refused rather than renamed, so two devices never share a folder.
    private static string DirectoryName(string deviceId) =>
        DeviceIds.FindProblem(deviceId) is { } problem
            ? throw new ArgumentException($"No sample folder for an invalid device id: {problem}", nameof(deviceId))
            : deviceId;
}
