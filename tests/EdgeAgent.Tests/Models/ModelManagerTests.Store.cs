using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Tests.Models;

// The model store as deployments use it, on the fixture of ModelManagerTests (a real HTTP download server): what a
// failed deployment leaves on disk, what the disk budget counts, and that re-installing a version never replaces the
// folder that serves.
public sealed partial class ModelManagerTests
{
    [Fact]
    public async Task A_version_that_fails_verification_leaves_neither_its_folder_nor_its_cache_files_behind()
    {
        using var publisher = SigningKey.Generate();
        await using var rig = Rig();
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(Served(Packages.Build("2.3.0", key: publisher)), Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Empty(rig.Store.Installed());
        Assert.DoesNotContain(Directory.EnumerateFiles(rig.Store.CacheDirectory), f => !f.EndsWith(".part", StringComparison.Ordinal));
    }

    private string Served(string package)
    {
        Server.Serve(package);
        return package;
    }

    [Fact]
    public async Task Files_already_in_the_state_directory_count_against_the_disk_budget()
    {
        await using var rig = Rig(o => o.DiskBudgetBytes = ModelStore.DistinctBytes([FleetPackages.Manifest(V2)]) + 10_000);
        Directory.CreateDirectory(rig.Store.StateDirectory);
        await File.WriteAllBytesAsync(Path.Combine(rig.Store.StateDirectory, "left-behind.bin"), new byte[20_000]);
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Failed, report.State);
        Assert.Contains("DiskBudgetBytes", report.Reason);
        Assert.Equal(0, Server.FileRequests);
        Assert.Equal("1.0.0", rig.ServingVersion);
    }

    [Fact]
    public async Task A_partial_download_of_another_version_is_deleted_before_a_download_starts()
    {
        await using var rig = Rig();
        Directory.CreateDirectory(rig.Store.CacheDirectory);
        var stale = rig.Store.PartialFile(new string('e', 64));
        await File.WriteAllBytesAsync(stale, new byte[1000]);
        await rig.StartAsync();

        var report = await rig.HandledAsync(rig.Desire(V2, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task A_re_signed_version_is_deployed_beside_the_serving_folder_which_stays_as_it_was()
    {
        using var copies = new TempDirectory("edgemlops-packages-");
        var first = CopyOf(V2, copies.Combine("first"));
        Directory.Delete(V2, recursive: true);
        // The same version signed again (as the hub does after a re-registration): another manifest, another hash.
        var again = Packages.Build("2.0.0", draft => draft with { CreatedAt = DateTimeOffset.UtcNow.AddMinutes(1) });
        Assert.NotEqual(FleetPackages.ManifestSha256(first), FleetPackages.ManifestSha256(again));
        Server.Serve(first);
        await using var rig = Rig();
        await rig.StartAsync();
        Assert.Equal(ModelDeploymentState.Active, (await rig.HandledAsync(rig.Desire(first, Server))).State);
        var serving = rig.Slot.Current.SourcePath;
        var servingModel = await File.ReadAllBytesAsync(Path.Combine(serving, PackageLayout.ModelFile));
        Server.Serve(again);

        var report = await rig.HandledAsync(rig.Desire(again, Server));

        Assert.Equal(ModelDeploymentState.Active, report.State);
        var now = rig.Slot.Current.SourcePath;
        Assert.NotEqual(serving, now);
        Assert.Equal(FleetPackages.ManifestSha256(again), ModelStore.Sha256OfFile(Path.Combine(now, PackageLayout.ManifestFile)));
        // The folder served before (the pointer's previous, what a rollback returns to) is as it was.
        Assert.Equal(FleetPackages.ManifestSha256(first), ModelStore.Sha256OfFile(Path.Combine(serving, PackageLayout.ManifestFile)));
        Assert.Equal(servingModel, await File.ReadAllBytesAsync(Path.Combine(serving, PackageLayout.ModelFile)));
        Assert.Equal(serving, rig.Store.ReadPointer()!.Previous!.Path);
    }

    private static string CopyOf(string directory, string target)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }
}
