using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>
/// What the agent starts on after a crash at any point of a deployment: the pointer is the only thing that names the
/// serving version, so whatever a killed deployment left behind, the box starts on a verified model.
/// </summary>
public sealed class InitialModelLoadTests : IDisposable
{
    private readonly FleetPackages _packages = new();
    private readonly TempDirectory _state = new("edgemlops-models-");
    private readonly string _v1;
    private readonly string _v2;

    public InitialModelLoadTests()
    {
        _v1 = _packages.Build("1.0.0");
        _v2 = _packages.Build("2.0.0");
    }

    public void Dispose()
    {
        _state.Dispose();
        _packages.Dispose();
    }

    private ModelOptions Options() => new() { PackagePath = _v1, TrustedKeysDirectory = _packages.TrustDirectory, StateDirectory = _state.Path };

    private static LoadedModel Start(ModelOptions options, ModelSlot slot)
    {
        new ManagerRig.InitialModelLoadAccess(SeedModel.Loader(), slot, options, new DeploymentStatus()).Load();
        return slot.Current;
    }

    [Fact]
    public void Without_a_pointer_the_configured_package_serves()
    {
        using var slot = new ModelSlot();

        Assert.Equal("1.0.0", Start(Options(), slot).Version);
    }

    [Fact]
    public void A_download_or_install_killed_midway_leaves_the_pointer_and_so_the_old_version_serving()
    {
        var options = Options();
        var store = ModelStore.From(options);
        // What a SIGKILL during the download and during the install of 2.0.0 leaves behind.
        Directory.CreateDirectory(store.CacheDirectory);
        File.WriteAllBytes(store.PartialFile(new string('b', 64)), new byte[100]);
        Directory.CreateDirectory(store.VersionDirectory("vehicle-classifier", "2.0.0") + ".installing-0123");
        using var slot = new ModelSlot();

        Assert.Equal("1.0.0", Start(options, slot).Version);
        store.Prune(3, [("vehicle-classifier", "1.0.0")]);
        Assert.Empty(Directory.GetDirectories(store.VersionsDirectory, "*.installing-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_pointed_version_that_no_longer_verifies_is_passed_over_for_the_one_before_it()
    {
        var options = Options();
        var store = ModelStore.From(options);
        var manifest = FleetPackages.Manifest(_v2);
        Directory.CreateDirectory(store.CacheDirectory);
        foreach (var file in manifest.Files) File.Copy(Path.Combine(_v2, file.Path), store.CachedFile(file.Sha256), overwrite: true);
        var tampered = store.Install("vehicle-classifier", "2.0.0", File.ReadAllBytes(Path.Combine(_v2, PackageLayout.ManifestFile)), manifest);
        File.AppendAllText(Path.Combine(tampered, PackageLayout.ModelFile), "x");
        store.WritePointer(new CurrentModelPointer("vehicle-classifier", "2.0.0", tampered,
            new ModelPointerEntry("vehicle-classifier", "1.0.0", _v1)));
        using var slot = new ModelSlot();

        Assert.Equal("1.0.0", Start(options, slot).Version);
    }

    [Fact]
    public void The_pointer_is_replaced_whole_and_leaves_no_temporary_file()
    {
        var store = ModelStore.From(Options());

        store.WritePointer(new CurrentModelPointer("m", "1", "/a"));
        store.WritePointer(new CurrentModelPointer("m", "2", "/b", new ModelPointerEntry("m", "1", "/a")));

        Assert.Equal(new CurrentModelPointer("m", "2", "/b", new ModelPointerEntry("m", "1", "/a")), store.ReadPointer());
        Assert.Equal(["current.json"], Directory.GetFiles(store.StateDirectory).Select(Path.GetFileName));
    }
}
