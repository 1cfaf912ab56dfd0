using System.Security.Cryptography;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// Package files and fleet manifests on disk, each named by the SHA-256 of its content (<c>blobs/&lt;sha256&gt;</c> in
/// the registry directory). A blob is written to a temporary file and renamed into place, so a reader never sees a
/// half-written one; content already held is not written again.
/// </summary>
public sealed class ModelBlobStore(IOptions<RegistryOptions> options, IOptions<HubStoreOptions> store)
{
    private readonly string _blobs = Path.Combine(options.Value.ResolvedDirectory(store.Value), "blobs");

    /// <summary>The registry's scratch folder (uploads, extraction), on the same file system as the blobs.</summary>
    public string ScratchDirectory { get; } = Path.Combine(options.Value.ResolvedDirectory(store.Value), "incoming");

    /// <summary>Where the blob with <paramref name="sha256"/> lives (whether or not it exists).</summary>
    public string PathOf(string sha256) =>
        IsSha256(sha256) ? Path.Combine(_blobs, sha256) : throw new ArgumentException($"'{sha256}' is not a lowercase hex SHA-256", nameof(sha256));

    public bool Contains(string sha256) => IsSha256(sha256) && File.Exists(Path.Combine(_blobs, sha256));

    /// <summary>Copies <paramref name="sourcePath"/> in as the blob <paramref name="sha256"/>, checking the content has that hash.</summary>
    /// <exception cref="InvalidDataException">The file's content does not hash to <paramref name="sha256"/>.</exception>
    public void Put(string sha256, string sourcePath)
    {
        using var source = File.OpenRead(sourcePath);
        Put(sha256, source, sourcePath);
    }

    /// <summary>Writes <paramref name="content"/> as its blob and returns the SHA-256 it is named by.</summary>
    public string Put(byte[] content)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        using var source = new MemoryStream(content, writable: false);
        Put(sha256, source, "content");
        return sha256;
    }

    private void Put(string sha256, Stream source, string what)
    {
        var target = PathOf(sha256);
        if (File.Exists(target))
            return;
        Directory.CreateDirectory(_blobs);
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            string actual;
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = source.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }
                file.Flush(flushToDisk: true);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            // The package was verified, but its files stay writable on disk until they are copied: hash what is stored.
            if (actual != sha256)
                throw new InvalidDataException($"{what}: content hashes to {actual}, expected {sha256}");
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static bool IsSha256(string text) =>
        text.Length == 64 && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
