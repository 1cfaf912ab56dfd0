using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>
/// The model store on disk: a folder the pointer names is never replaced, failed and abandoned content does not stay,
/// and disk use is what the files really take.
/// </summary>
public sealed class ModelStoreTests : IDisposable
{
    private const string Name = "vehicle-classifier";
    private readonly FleetPackages _packages = new();
    private readonly FleetPackages _resigned = new();
    private readonly TempDirectory _state = new("edgemlops-store-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ModelStore _store;

    public ModelStoreTests() => _store = new ModelStore(_state.Path, Path.Combine(_state.Path, "cache"), _time);

    public void Dispose()
    {
        _state.Dispose();
        _resigned.Dispose();
        _packages.Dispose();
    }

    /// <summary>Puts the package's files in the cache (as a download does) and installs it.</summary>
    private string Install(string package)
    {
        var manifest = FleetPackages.Manifest(package);
        Directory.CreateDirectory(_store.CacheDirectory);
        foreach (var file in manifest.Files)
            File.Copy(Path.Combine(package, file.Path), _store.CachedFile(file.Sha256), overwrite: true);
        return _store.Install(manifest.Name, manifest.Version, File.ReadAllBytes(Path.Combine(package, PackageLayout.ManifestFile)), manifest);
    }

    private static string ManifestSha256In(string folder) => ModelStore.Sha256OfFile(Path.Combine(folder, PackageLayout.ManifestFile));

    [Fact]
    public void A_version_installed_again_with_another_manifest_goes_to_its_own_folder_and_the_pointed_one_stays_intact()
    {
        var first = _packages.Build("2.0.0");
        var again = _resigned.Build("2.0.0");
        var pointed = Install(first);
        _store.WritePointer(new CurrentModelPointer(Name, "2.0.0", pointed));
        var modelBefore = File.ReadAllBytes(Path.Combine(pointed, PackageLayout.ModelFile));

        var other = Install(again);

        Assert.NotEqual(pointed, other);
        Assert.Equal(FleetPackages.ManifestSha256(first), ManifestSha256In(pointed));
        Assert.Equal(modelBefore, File.ReadAllBytes(Path.Combine(pointed, PackageLayout.ModelFile)));
        Assert.Equal(FleetPackages.ManifestSha256(again), ManifestSha256In(other));
        Assert.Equal(pointed, _store.InstalledFolder(Name, "2.0.0", FleetPackages.ManifestSha256(first)));
        Assert.Equal(other, _store.InstalledFolder(Name, "2.0.0", FleetPackages.ManifestSha256(again)));
        Assert.All(_store.Installed(), v => Assert.Equal("2.0.0", v.Version));
    }

    [Fact]
    public void Installing_a_manifest_already_installed_returns_its_folder_untouched()
    {
        var package = _packages.Build("2.0.0");
        var folder = Install(package);
        var marker = Path.Combine(folder, "still-here");
        File.WriteAllText(marker, "");

        Assert.Equal(folder, Install(package));
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public void Pruning_keeps_the_folder_the_pointer_names_and_drops_the_other_folder_of_that_version()
    {
        var first = Install(_packages.Build("2.0.0"));
        var second = Install(_resigned.Build("2.0.0"));
        _store.WritePointer(new CurrentModelPointer(Name, "2.0.0", second));

        _store.Prune(3, [(Name, "2.0.0")]);

        Assert.False(Directory.Exists(first));
        Assert.True(Directory.Exists(second));
        Assert.Equal([second], _store.Installed().Select(v => v.Folder));
    }

    [Fact]
    public void A_failed_version_is_discarded_and_its_cache_files_go_with_the_next_prune()
    {
        var v1 = _packages.Build("1.0.0");
        var kept = Install(v1);
        _store.WritePointer(new CurrentModelPointer(Name, "1.0.0", kept));
        var failed = Install(_packages.Build("2.0.0", retrainedCanaryImage: true));

        var discarded = _store.Discard(Name, "2.0.0", [(Name, "1.0.0")]);
        _store.Prune(3, [(Name, "1.0.0")]);

        Assert.Equal([failed], discarded);
        Assert.False(Directory.Exists(failed));
        Assert.Equal(["1.0.0"], _store.Installed().Select(v => v.Version));
        var referenced = FleetPackages.Manifest(v1).Files.Select(f => f.Sha256).ToHashSet();
        Assert.All(Directory.EnumerateFiles(_store.CacheDirectory), file => Assert.Contains(Path.GetFileName(file), referenced));
    }

    [Fact]
    public void A_version_that_is_protected_or_pointed_to_is_not_discarded()
    {
        var pointed = Install(_packages.Build("1.0.0"));
        _store.WritePointer(new CurrentModelPointer(Name, "1.0.0", pointed));
        var challenger = Install(_packages.Build("3.0.0"));

        Assert.Empty(_store.Discard(Name, "1.0.0", []));
        Assert.Empty(_store.Discard(Name, "3.0.0", [(Name, "3.0.0")]));
        Assert.True(Directory.Exists(pointed));
        Assert.True(Directory.Exists(challenger));
    }

    [Fact]
    public void A_partial_download_older_than_a_day_is_pruned_and_a_younger_one_kept_for_resuming()
    {
        Directory.CreateDirectory(_store.CacheDirectory);
        var abandoned = _store.PartialFile(new string('a', 64));
        var recent = _store.PartialFile(new string('b', 64));
        File.WriteAllBytes(abandoned, new byte[100]);
        File.WriteAllBytes(recent, new byte[100]);
        File.SetLastWriteTimeUtc(abandoned, _time.GetUtcNow().UtcDateTime - ModelStore.PartialFileMaxAge - TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(recent, _time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(1));

        _store.Prune(3, []);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public void While_a_version_downloads_the_partial_files_of_other_downloads_are_pruned()
    {
        var manifest = FleetPackages.Manifest(_packages.Build("2.0.0"));
        Directory.CreateDirectory(_store.CacheDirectory);
        var mine = _store.PartialFile(manifest.Files[0].Sha256);
        var other = _store.PartialFile(new string('c', 64));
        File.WriteAllBytes(mine, new byte[10]);
        File.WriteAllBytes(other, new byte[10]);

        _store.Prune(3, [], downloading: manifest);

        Assert.True(File.Exists(mine));
        Assert.False(File.Exists(other));
    }

    [Fact]
    public void Disk_use_counts_the_cache_partial_downloads_and_leftovers_and_linked_version_files_once()
    {
        var package = _packages.Build("2.0.0");
        var folder = Install(package);
        var manifest = FleetPackages.Manifest(package);
        var cached = manifest.Files.DistinctBy(f => f.Sha256).Sum(f => f.Size);
        var manifestBytes = new FileInfo(Path.Combine(folder, PackageLayout.ManifestFile)).Length;
        Assert.Equal(cached + manifestBytes, _store.DiskUsage());

        File.WriteAllBytes(_store.PartialFile(new string('d', 64)), new byte[1000]);
        Directory.CreateDirectory(Path.Combine(_store.VersionsDirectory, Name, "9.9.9.installing-x"));
        File.WriteAllBytes(Path.Combine(_store.VersionsDirectory, Name, "9.9.9.installing-x", "model.onnx"), new byte[500]);

        Assert.Equal(cached + manifestBytes + 1000 + 500, _store.DiskUsage());
    }
}
