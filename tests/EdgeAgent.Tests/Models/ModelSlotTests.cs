using System.IO.Compression;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Tests.Models;

public sealed class ModelSlotTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_empty_slot_has_no_current_model()
    {
        using var slot = new ModelSlot();

        Assert.False(slot.HasModel);
        Assert.Throws<InvalidOperationException>(() => slot.Current);
    }

    [Fact]
    public void A_published_model_is_current_with_the_package_name_version_and_labels()
    {
        using var slot = new ModelSlot();
        var model = SeedModel.Load(slot);

        slot.Publish(model);

        Assert.Same(model, slot.Current);
        Assert.Equal(1, model.Generation);
        Assert.Equal(model.Package.Manifest.Name, model.Name);
        Assert.Equal(model.Package.Manifest.Version, model.Version);
        Assert.Equal(model.Session.Signature.Labels, model.Labels);
        Assert.NotEmpty(model.Labels);
    }

    [Fact]
    public void A_swap_publishes_a_new_generation_and_releases_the_old_model_once_its_last_lease_ends()
    {
        using var slot = new ModelSlot();
        var first = SeedModel.Load(slot);
        slot.Publish(first);
        var lease = slot.Lease();

        var second = SeedModel.Load(slot);
        slot.Publish(second);

        Assert.Same(second, slot.Current);
        Assert.True(second.Generation > first.Generation);
        Assert.False(first.IsReleased); // a batch still classifies with it
        lease.Dispose();
        Assert.True(first.IsReleased);
        Assert.False(second.IsReleased);
    }

    [Fact]
    public void A_model_nobody_leases_is_released_as_soon_as_it_is_replaced()
    {
        using var slot = new ModelSlot();
        var first = SeedModel.Load(slot);
        slot.Publish(first);

        slot.Publish(SeedModel.Load(slot));

        Assert.True(first.IsReleased);
    }

    [Fact]
    public void A_lease_always_holds_the_current_model_and_disposing_the_slot_waits_for_it()
    {
        var slot = new ModelSlot();
        var model = SeedModel.Load(slot);
        slot.Publish(model);

        var lease = slot.Lease();
        slot.Dispose();

        Assert.Same(model, lease.Model);
        Assert.False(model.IsReleased);
        lease.Dispose();
        Assert.True(model.IsReleased);
    }

    [Fact]
    public void The_folder_a_zip_package_was_extracted_to_is_deleted_when_the_model_is_released()
    {
        var zip = _dir.File("package.zip");
        ZipFile.CreateFromDirectory(SeedModel.PackagePath, zip);
        using var slot = new ModelSlot();
        var model = SeedModel.Load(slot, packagePath: zip);
        var extracted = model.Package.Directory;
        Assert.True(Directory.Exists(extracted));
        slot.Publish(model);

        slot.Publish(SeedModel.Load(slot));

        Assert.True(model.IsReleased);
        Assert.False(Directory.Exists(extracted));
    }

    [Fact]
    public void A_refused_zip_package_leaves_no_extraction_folder_behind()
    {
        var zip = _dir.File("tampered.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var file in Directory.EnumerateFiles(SeedModel.PackagePath, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(SeedModel.PackagePath, file).Replace('\\', '/');
                var bytes = File.ReadAllBytes(file);
                if (name == "model.onnx") bytes[bytes.Length / 3] ^= 0x10;
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }
        var before = Directory.GetDirectories(Path.GetTempPath(), "edgemlops-model-*").ToHashSet();
        using var slot = new ModelSlot();

        var error = Assert.Throws<ModelPackageException>(() => SeedModel.Load(slot, packagePath: zip));

        Assert.Equal(ModelPackageError.FileTampered, error.Error);
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), "edgemlops-model-*").Except(before));
    }
}
