using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The version the pointer names as serving and its package folder, and the one served before it (what a rollback
/// returns to; it may be the configured package outside the store).
/// </summary>
/// <param name="RolledBackRevision">The desired-state revision whose version failed probation and was rolled back from:
/// not deployed again (after a restart the hub's retained state names it still) until the hub sends a newer revision.</param>
/// <param name="ProbationUntil">When the version's probation ends; a box restarted before resumes it.</param>
/// <param name="ProbationStarts">How often the agent started on the version during its probation: a version that
/// keeps crashing the agent is rolled back at start (<see cref="InitialModelLoad.MaxProbationStarts"/>).</param>
/// <param name="Revision">The desired-state revision the version was deployed for.</param>
/// <param name="RolloutId">The rollout that deployed it, for the reports after a restart.</param>
public sealed record CurrentModelPointer(string Name, string Version, string Path, ModelPointerEntry? Previous = null,
    long? RolledBackRevision = null, DateTimeOffset? ProbationUntil = null, int ProbationStarts = 0, long? Revision = null,
    string? RolloutId = null);

/// <summary>A version and the package (folder or .zip) it loads from.</summary>
public sealed record ModelPointerEntry(string Name, string Version, string Path);

/// <summary>
/// What the model manager keeps on disk under <see cref="ModelOptions.StateDirectory"/>: the content-addressed file
/// cache, one folder per installed version (<c>versions/&lt;name&gt;/&lt;version&gt;/</c>, its files hard-linked from the
/// cache; <c>&lt;version&gt;@&lt;sha12&gt;</c> when that version is installed again with another manifest), and
/// <c>current.json</c>, the pointer to the serving version. Every change is a rename, so a box killed at any moment
/// finds either the old or the new state, never half of one; a folder the pointer names is never replaced.
/// </summary>
public sealed class ModelStore
{
    private const string PointerFile = "current.json";
    private const string InstallingMarker = ".installing-";
    private const char ManifestKeySeparator = '@';

    /// <summary>A download left as .part longer than this is abandoned: pruning deletes it.</summary>
    public static readonly TimeSpan PartialFileMaxAge = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly TimeProvider _time;

    public ModelStore(string stateDirectory, string cacheDirectory, TimeProvider? time = null)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        CacheDirectory = Path.GetFullPath(cacheDirectory);
        VersionsDirectory = Path.Combine(StateDirectory, "versions");
        _time = time ?? TimeProvider.System;
    }

    public static ModelStore From(ModelOptions options, TimeProvider? time = null) => new(options.StateDirectory, options.CacheFolder, time);

    public string StateDirectory { get; }
    public string CacheDirectory { get; }
    public string VersionsDirectory { get; }

    public string VersionDirectory(string name, string version) => Path.Combine(VersionsDirectory, name, version);

    /// <summary>
    /// Where a version goes whose <see cref="VersionDirectory"/> already holds another manifest (the hub re-signed it):
    /// a folder of its own, so the one installed before (which the pointer may name) is never replaced.
    /// </summary>
    public string KeyedVersionDirectory(string name, string version, string manifestSha256) =>
        Path.Combine(VersionsDirectory, name, $"{version}{ManifestKeySeparator}{manifestSha256[..12].ToLowerInvariant()}");

    /// <summary>The installed folder of that version that holds exactly the manifest with this SHA-256, or null.</summary>
    public string? InstalledFolder(string name, string version, string manifestSha256)
    {
        foreach (var folder in new[] { VersionDirectory(name, version), KeyedVersionDirectory(name, version, manifestSha256) })
        {
            if (ManifestSha256In(folder) is { } held && string.Equals(held, manifestSha256, StringComparison.OrdinalIgnoreCase))
                return folder;
        }
        return null;
    }

    /// <summary>The cached file with this SHA-256 (lowercase hex), whether or not it is there.</summary>
    public string CachedFile(string sha256) => Path.Combine(CacheDirectory, sha256);

    /// <summary>Where a download of that file in progress lands; it becomes <see cref="CachedFile"/> once its hash is checked.</summary>
    public string PartialFile(string sha256) => CachedFile(sha256) + ".part";

    /// <summary>Bytes of that file downloaded so far (0 when no download of it is in progress).</summary>
    public long PartialLength(string sha256)
    {
        var part = new FileInfo(PartialFile(sha256));
        return part.Exists ? part.Length : 0;
    }

    /// <summary>The pointer, or null when none was written yet (or it cannot be read: then the configured package serves).</summary>
    public CurrentModelPointer? ReadPointer()
    {
        var path = Path.Combine(StateDirectory, PointerFile);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<CurrentModelPointer>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the pointer atomically: written to a temporary file, flushed to disk, renamed over the old one.</summary>
    public void WritePointer(CurrentModelPointer pointer)
    {
        Directory.CreateDirectory(StateDirectory);
        var path = Path.Combine(StateDirectory, PointerFile);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, pointer, Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>SHA-256 of an installed version's <c>manifest.json</c>, or null when that version is not installed.</summary>
    public string? InstalledManifestSha256(string name, string version) => ManifestSha256In(VersionDirectory(name, version));

    private static string? ManifestSha256In(string folder)
    {
        var manifest = Path.Combine(folder, PackageLayout.ManifestFile);
        return File.Exists(manifest) ? Sha256OfFile(manifest) : null;
    }

    /// <summary>
    /// Installs a version from the cache: the manifest and every file it lists are placed in a sibling folder, which is
    /// then renamed to <see cref="VersionDirectory"/>, or to <see cref="KeyedVersionDirectory"/> when that holds another
    /// manifest of the version. A folder that already holds this manifest is returned as it is.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file the manifest lists is not in the cache.</exception>
    /// <exception cref="IOException">The only folder left for this manifest is one the pointer names.</exception>
    public string Install(string name, string version, byte[] manifestJson, ModelManifest manifest)
    {
        var manifestSha256 = Sha256Of(manifestJson);
        if (InstalledFolder(name, version, manifestSha256) is { } installed) return installed;
        var target = Directory.Exists(VersionDirectory(name, version))
            ? KeyedVersionDirectory(name, version, manifestSha256)
            : VersionDirectory(name, version);
        if (Directory.Exists(target) && PointerFolders().Contains(Normalized(target)))
            throw new IOException(
                $"{name} {version}: {target} holds another manifest than {manifestSha256} and the pointer names it; it is not replaced");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = $"{target}{InstallingMarker}{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var entry in manifest.Files)
            {
                var source = CachedFile(entry.Sha256);
                if (!File.Exists(source))
                    throw new FileNotFoundException($"{entry.Path}: not in the cache as {source}", source);
                var destination = Path.GetFullPath(Path.Combine(staging, entry.Path.Replace('/', Path.DirectorySeparatorChar)));
                // The manifest is not verified yet at this point: a path must not lead out of the version's folder.
                if (!destination.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"{entry.Path}: a manifest path that leads outside the package");
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                LinkOrCopy(source, destination);
            }
            File.WriteAllBytes(Path.Combine(staging, PackageLayout.ManifestFile), manifestJson);
            // Only a folder no pointer names gets here (an unreadable or hash-prefix-colliding leftover).
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
            return target;
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>Every installed version with its manifest, oldest install first.</summary>
    public IReadOnlyList<InstalledVersion> Installed()
    {
        var installed = new List<InstalledVersion>();
        if (!Directory.Exists(VersionsDirectory)) return installed;
        foreach (var nameFolder in Directory.EnumerateDirectories(VersionsDirectory))
        {
            foreach (var versionFolder in Directory.EnumerateDirectories(nameFolder))
            {
                if (Path.GetFileName(versionFolder).Contains(InstallingMarker, StringComparison.Ordinal)) continue;
                var manifestPath = Path.Combine(versionFolder, PackageLayout.ManifestFile);
                if (!File.Exists(manifestPath)) continue;
                // A keyed folder (version@sha12) holds the same version as the plain one: the version is the folder's name up to the key.
                var folderName = Path.GetFileName(versionFolder);
                var version = folderName.Split(ManifestKeySeparator)[0];
                try
                {
                    var manifest = ModelManifestJson.Parse(File.ReadAllBytes(manifestPath));
                    installed.Add(new InstalledVersion(Path.GetFileName(nameFolder), version, manifest,
                        Directory.GetLastWriteTimeUtc(versionFolder), versionFolder));
                }
                catch (Exception e) when (e is JsonException or ModelPackageException or IOException)
                {
                    // An unreadable folder holds nothing the store can account for; pruning removes it.
                    installed.Add(new InstalledVersion(Path.GetFileName(nameFolder), version, null, DateTime.MinValue, versionFolder));
                }
            }
        }
        return installed.OrderBy(v => v.InstalledAt).ToList();
    }

    /// <summary>Bytes of distinct content the given manifests need on disk (files shared between versions count once).</summary>
    public static long DistinctBytes(IEnumerable<ModelManifest> manifests) =>
        manifests.SelectMany(m => m.Files).DistinctBy(f => f.Sha256, StringComparer.Ordinal).Sum(f => f.Size);

    /// <summary>
    /// The versions a prune leaves: the folders the pointer names, the other folders of the protected versions (a
    /// protected version the pointer names is kept only in the folder it names), then the newest up to <paramref name="keep"/>.
    /// </summary>
    private List<InstalledVersion> Kept(IReadOnlyList<InstalledVersion> installed, int keep,
        IReadOnlyCollection<(string Name, string Version)> protect)
    {
        var (isProtected, isSuperseded) = Protection(installed, protect);
        var kept = installed.Where(isProtected).ToList();
        foreach (var version in installed.Where(v => !isProtected(v) && !isSuperseded(v) && v.Manifest is not null).Reverse())
        {
            if (kept.Count < keep) kept.Add(version);
        }
        return kept;
    }

    /// <summary>
    /// Which folders nothing may delete: those the pointer names, and those of the protected versions, except that a
    /// version installed in two folders (re-signed) and named by the pointer keeps only the folder the pointer names:
    /// its other folder is superseded and not worth keeping.
    /// </summary>
    private (Func<InstalledVersion, bool> IsProtected, Func<InstalledVersion, bool> IsSuperseded) Protection(
        IReadOnlyList<InstalledVersion> installed, IReadOnlyCollection<(string Name, string Version)> protect)
    {
        var pointed = PointerFolders();
        bool IsPointed(InstalledVersion v) => pointed.Contains(Normalized(v.Folder));
        var pointedVersions = installed.Where(IsPointed).Select(v => (v.Name, v.Version)).ToHashSet();
        bool IsSuperseded(InstalledVersion v) => !IsPointed(v) && pointedVersions.Contains((v.Name, v.Version));
        return (v => IsPointed(v) || protect.Contains((v.Name, v.Version)) && !IsSuperseded(v), IsSuperseded);
    }

    /// <summary>
    /// Deletes installed versions beyond the newest <paramref name="keep"/> (never those in <paramref name="protect"/>
    /// nor a folder the pointer names), leftovers of interrupted installs, cache files no kept version references, and
    /// abandoned downloads: a .part older than <see cref="PartialFileMaxAge"/>, or, while <paramref name="downloading"/>
    /// is given, any .part that is not one of its files. Returns the versions deleted.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep, IReadOnlyCollection<(string Name, string Version)> protect,
        ModelManifest? downloading = null)
    {
        var deleted = new List<string>();
        var installed = Installed();
        var kept = Kept(installed, keep, protect);
        foreach (var version in installed.Except(kept))
        {
            Directory.Delete(version.Folder, recursive: true);
            deleted.Add($"{version.Name} {version.Version}");
        }
        if (Directory.Exists(VersionsDirectory))
        {
            foreach (var leftover in Directory.EnumerateDirectories(VersionsDirectory, $"*{InstallingMarker}*", SearchOption.AllDirectories).ToList())
                Directory.Delete(leftover, recursive: true);
        }
        var referenced = kept.Where(v => v.Manifest is not null).SelectMany(v => v.Manifest!.Files)
            .Concat(downloading?.Files ?? []).Select(f => f.Sha256).ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(CacheDirectory))
        {
            var abandonedBefore = _time.GetUtcNow().UtcDateTime - PartialFileMaxAge;
            foreach (var file in Directory.EnumerateFiles(CacheDirectory).ToList())
            {
                var fileName = Path.GetFileName(file);
                if (fileName.EndsWith(".part", StringComparison.Ordinal))
                {
                    // A .part is a download to resume when its deployment is tried again; not for ever, nor past a newer download.
                    var wanted = referenced.Contains(fileName[..^".part".Length]);
                    if (downloading is not null ? !wanted : File.GetLastWriteTimeUtc(file) < abandonedBefore) File.Delete(file);
                }
                else if (!referenced.Contains(fileName))
                {
                    File.Delete(file);
                }
            }
        }
        return deleted;
    }

    /// <summary>
    /// Deletes the folders of a version whose deployment failed, except those nothing may delete (see
    /// <see cref="Protection"/>): a failed version must not stay on disk and count as the newest. Its cache files go
    /// with the next prune. Returns the folders deleted.
    /// </summary>
    public IReadOnlyList<string> Discard(string name, string version, IReadOnlyCollection<(string Name, string Version)> protect)
    {
        var deleted = new List<string>();
        var all = Installed();
        var isProtected = Protection(all, protect).IsProtected;
        foreach (var installed in all.Where(v => v.Name == name && v.Version == version && !isProtected(v)))
        {
            Directory.Delete(installed.Folder, recursive: true);
            deleted.Add(installed.Folder);
        }
        return deleted;
    }

    /// <summary>
    /// Bytes the store takes on disk now: the cache (downloads in progress included), and every file under the state
    /// directory that is not a hard link of a cached file (the pointer, copies where linking failed, leftovers).
    /// </summary>
    public long DiskUsage()
    {
        long bytes = 0;
        var cached = new Dictionary<string, long>(StringComparer.Ordinal);
        if (Directory.Exists(CacheDirectory))
        {
            foreach (var file in new DirectoryInfo(CacheDirectory).EnumerateFiles())
            {
                bytes += file.Length;
                cached[file.FullName] = file.Length;
            }
        }
        if (!Directory.Exists(StateDirectory)) return bytes;
        var linked = LinkedFromCache(cached);
        foreach (var file in new DirectoryInfo(StateDirectory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (!cached.ContainsKey(file.FullName) && !linked.Contains(file.FullName)) bytes += file.Length;
        }
        return bytes;
    }

    // The files of installed versions that are hard links of cache files (same content, so counted once): a version file
    // of the size its manifest lists whose cache file exists with that size. Where linking fell back to a copy this
    // undercounts; the store links wherever the file system allows it.
    private HashSet<string> LinkedFromCache(Dictionary<string, long> cached)
    {
        var linked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in Installed().Where(v => v.Manifest is not null))
        {
            foreach (var entry in version.Manifest!.Files)
            {
                var file = new FileInfo(Path.Combine(version.Folder, entry.Path.Replace('/', Path.DirectorySeparatorChar)));
                if (file.Exists && file.Length == entry.Size && cached.TryGetValue(CachedFile(entry.Sha256), out var size) && size == entry.Size)
                    linked.Add(file.FullName);
            }
        }
        return linked;
    }

    /// <summary>The folders the pointer names (serving and previous), full paths; never replaced or deleted.</summary>
    private HashSet<string> PointerFolders()
    {
        var pointer = ReadPointer();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        if (pointer is null) return folders;
        folders.Add(Normalized(pointer.Path));
        if (pointer.Previous is { } previous) folders.Add(Normalized(previous.Path));
        return folders;
    }

    private static string Normalized(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    // A hard link shares the cache's bytes, so a version costs no second copy; a file system without links gets a copy.
    private static void LinkOrCopy(string source, string destination)
    {
        if (!OperatingSystem.IsWindows() && Link(source, destination) == 0) return;
        File.Copy(source, destination);
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);
}

/// <summary>One installed version in <see cref="Folder"/>; <see cref="Manifest"/> is null when its manifest cannot be read.</summary>
public sealed record InstalledVersion(string Name, string Version, ModelManifest? Manifest, DateTime InstalledAt, string Folder);
