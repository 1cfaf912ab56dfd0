using System.Security.Cryptography;
using System.Text;
using EdgeMlops.CloudHub.Storage;

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
    public static string RelativePath(string deviceId, long epoch, long seq) => $"{DirectoryName(deviceId)}/{epoch}-{seq}.jpg";

    // Device ids may hold anything but '/', '+', '#' and control characters; ".." or a name the file system dislikes
    // would be a traversal or a failure, so such ids get a stable hashed name instead.
    private static string DirectoryName(string deviceId) =>
        deviceId.Length <= 100 && deviceId[0] != '.' && deviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? deviceId
            : "id-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deviceId)));
}
