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
/// cache), and <c>current.json</c>, the pointer to the serving version. Every change is a rename, so a box killed at
/// any moment finds either the old or the new state, never half of one.
/// </summary>
public sealed class ModelStore
{
    private const string PointerFile = "current.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ModelStore(string stateDirectory, string cacheDirectory)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        CacheDirectory = Path.GetFullPath(cacheDirectory);
        VersionsDirectory = Path.Combine(StateDirectory, "versions");
    }

    public static ModelStore From(ModelOptions options) => new(options.StateDirectory, options.CacheFolder);

    public string StateDirectory { get; }
    public string CacheDirectory { get; }
    public string VersionsDirectory { get; }

    public string VersionDirectory(string name, string version) => Path.Combine(VersionsDirectory, name, version);

    /// <summary>The cached file with this SHA-256 (lowercase hex), whether or not it is there.</summary>
    public string CachedFile(string sha256) => Path.Combine(CacheDirectory, sha256);

    /// <summary>Where a download of that file in progress lands; it becomes <see cref="CachedFile"/> once its hash is checked.</summary>
    public string PartialFile(string sha256) => CachedFile(sha256) + ".part";

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
    public string? InstalledManifestSha256(string name, string version)
    {
        var manifest = Path.Combine(VersionDirectory(name, version), PackageLayout.ManifestFile);
        return File.Exists(manifest) ? Sha256OfFile(manifest) : null;
    }

    /// <summary>
    /// Installs a version from the cache: the manifest and every file it lists are placed in a sibling folder, which is
    /// then renamed to <see cref="VersionDirectory"/>. An older folder of that version is replaced.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file the manifest lists is not in the cache.</exception>
    public string Install(string name, string version, byte[] manifestJson, ModelManifest manifest)
    {
        var target = VersionDirectory(name, version);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = $"{target}.installing-{Guid.NewGuid():N}";
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
                if (Path.GetFileName(versionFolder).Contains(".installing-", StringComparison.Ordinal)) continue;
                var manifestPath = Path.Combine(versionFolder, PackageLayout.ManifestFile);
                if (!File.Exists(manifestPath)) continue;
                try
                {
                    var manifest = ModelManifestJson.Parse(File.ReadAllBytes(manifestPath));
                    installed.Add(new InstalledVersion(Path.GetFileName(nameFolder), Path.GetFileName(versionFolder), manifest,
                        Directory.GetLastWriteTimeUtc(versionFolder)));
                }
                catch (Exception e) when (e is JsonException or ModelPackageException or IOException)
                {
                    // An unreadable folder holds nothing the store can account for; pruning removes it.
                    installed.Add(new InstalledVersion(Path.GetFileName(nameFolder), Path.GetFileName(versionFolder), null,
                        DateTime.MinValue));
                }
            }
        }
        return installed.OrderBy(v => v.InstalledAt).ToList();
    }

    /// <summary>Bytes of distinct content the given manifests need on disk (files shared between versions count once).</summary>
    public static long DistinctBytes(IEnumerable<ModelManifest> manifests) =>
        manifests.SelectMany(m => m.Files).DistinctBy(f => f.Sha256, StringComparer.Ordinal).Sum(f => f.Size);

    /// <summary>
    /// The manifests of the installed versions a prune to <paramref name="keep"/> would leave (those in
    /// <paramref name="protect"/> first, then the newest), for the disk budget.
    /// </summary>
    public IReadOnlyList<ModelManifest> KeptManifests(int keep, IReadOnlyCollection<(string Name, string Version)> protect) =>
        Kept(Installed(), keep, protect).Where(v => v.Manifest is not null).Select(v => v.Manifest!).ToList();

    private static List<InstalledVersion> Kept(IReadOnlyList<InstalledVersion> installed, int keep,
        IReadOnlyCollection<(string Name, string Version)> protect)
    {
        bool IsProtected(InstalledVersion v) => protect.Contains((v.Name, v.Version));
        var kept = installed.Where(IsProtected).ToList();
        foreach (var version in installed.Where(v => !IsProtected(v) && v.Manifest is not null).Reverse())
        {
            if (kept.Count < keep) kept.Add(version);
        }
        return kept;
    }

    /// <summary>
    /// Deletes installed versions beyond the newest <paramref name="keep"/> (never those in <paramref name="protect"/>),
    /// leftovers of interrupted installs, and cache files no kept version references. Returns the versions deleted.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep, IReadOnlyCollection<(string Name, string Version)> protect)
    {
        var deleted = new List<string>();
        var installed = Installed();
        var kept = Kept(installed, keep, protect);
        foreach (var version in installed.Except(kept))
        {
            Directory.Delete(VersionDirectory(version.Name, version.Version), recursive: true);
            deleted.Add($"{version.Name} {version.Version}");
        }
        if (Directory.Exists(VersionsDirectory))
        {
            foreach (var leftover in Directory.EnumerateDirectories(VersionsDirectory, "*.installing-*", SearchOption.AllDirectories).ToList())
                Directory.Delete(leftover, recursive: true);
        }
        var referenced = kept.Where(v => v.Manifest is not null).SelectMany(v => v.Manifest!.Files).Select(f => f.Sha256)
            .ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(CacheDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(CacheDirectory).ToList())
            {
                var fileName = Path.GetFileName(file);
                // A .part is a download to resume; it is kept until a deployment that wants it succeeds or fails.
                if (!fileName.EndsWith(".part", StringComparison.Ordinal) && !referenced.Contains(fileName))
                    File.Delete(file);
            }
        }
        return deleted;
    }

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

/// <summary>One installed version; <see cref="Manifest"/> is null when its manifest cannot be read.</summary>
public sealed record InstalledVersion(string Name, string Version, ModelManifest? Manifest, DateTime InstalledAt);
