using System.IO.Compression;
using EdgeMlops.Packaging.Tests.Support;

namespace EdgeMlops.Packaging.Tests.Archive;

public sealed class ModelPackageArchiveTests : IDisposable
{
    private readonly WrittenPackage package = new();

    public void Dispose() => package.Dispose();

    [Fact]
    public void Pack_then_extract_reproduces_every_file_byte_for_byte()
    {
        var zipPath = package.Pack();

        ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory);

        var relativePaths = Directory.GetFiles(package.Directory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(package.Directory, path))
            .Order(StringComparer.Ordinal)
            .ToList();
        var extractedPaths = Directory.GetFiles(package.ExtractionDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(package.ExtractionDirectory, path))
            .Order(StringComparer.Ordinal);
        Assert.Equal(relativePaths, extractedPaths);
        foreach (var relativePath in relativePaths)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(package.Directory, relativePath)),
                File.ReadAllBytes(Path.Combine(package.ExtractionDirectory, relativePath)));
        }
    }

    [Fact]
    public void Entry_names_use_forward_slashes_relative_to_the_package()
    {
        using var archive = ZipFile.OpenRead(package.Pack());

        Assert.Contains("canary/car/0001.jpg", archive.Entries.Select(entry => entry.FullName));
        Assert.Contains("manifest.json", archive.Entries.Select(entry => entry.FullName));
    }

    [Fact]
    public void Pack_refuses_to_replace_an_existing_zip()
    {
        var zipPath = package.Temp.Combine("package.zip");
        File.WriteAllText(zipPath, "existing");

        Assert.Throws<IOException>(() => ModelPackageArchive.Pack(package.Directory, zipPath));
        Assert.Equal("existing", File.ReadAllText(zipPath));
    }

    [Fact]
    public void Extract_refuses_a_non_empty_target_and_leaves_it_untouched()
    {
        var zipPath = package.Pack();
        Directory.CreateDirectory(package.ExtractionDirectory);
        File.WriteAllText(Path.Combine(package.ExtractionDirectory, "keep.txt"), "mine");

        Assert.Throws<IOException>(() => ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory));

        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(package.ExtractionDirectory).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("canary/../../evil")]
    [InlineData("/tmp/evil")]
    [InlineData("C:/evil")]
    [InlineData("..\\evil")]
    [InlineData("canary//evil")]
    public void Entry_outside_the_package_directory_is_UnsafeArchiveEntry(string entryName)
    {
        var zipPath = ZipWith(("model.onnx", "model"), (entryName, "escaped"));

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory));

        Assert.Equal(ModelPackageError.UnsafeArchiveEntry, failure.Error);
        Assert.Contains(entryName, failure.Message);
        Assert.False(Directory.Exists(package.ExtractionDirectory));
    }

    [Fact]
    public void Duplicate_entry_is_UnsafeArchiveEntry()
    {
        var zipPath = ZipWith(("model.onnx", "first"), ("model.onnx", "second"));

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory));

        Assert.Equal(ModelPackageError.UnsafeArchiveEntry, failure.Error);
    }

    [Fact]
    public void Archive_declaring_more_than_the_size_limit_is_refused_before_writing()
    {
        var zipPath = package.Pack();
        var limits = new ArchiveLimits { MaxTotalBytes = package.ModelBytes.Length };

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory, limits));

        Assert.Equal(ModelPackageError.UnsafeArchiveEntry, failure.Error);
        Assert.False(Directory.Exists(package.ExtractionDirectory));
    }

    [Fact]
    public void Archive_with_more_entries_than_the_limit_is_refused()
    {
        var zipPath = package.Pack();

        var failure = Assert.Throws<ModelPackageException>(() =>
            ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory, new ArchiveLimits { MaxEntries = 3 }));

        Assert.Equal(ModelPackageError.UnsafeArchiveEntry, failure.Error);
    }

    [Fact]
    public void Damaged_entry_leaves_an_existing_empty_target_empty()
    {
        var zipPath = package.Pack();
        var bytes = File.ReadAllBytes(zipPath);
        Array.Fill(bytes, (byte)0xA5, bytes.Length / 2, 64);
        File.WriteAllBytes(zipPath, bytes);
        Directory.CreateDirectory(package.ExtractionDirectory);

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageArchive.Extract(zipPath, package.ExtractionDirectory));

        Assert.Equal(ModelPackageError.CorruptArchive, failure.Error);
        Assert.Contains("model.onnx", failure.Message);
        Assert.Empty(Directory.GetFileSystemEntries(package.ExtractionDirectory));
    }

    [Fact]
    public void File_that_is_not_a_zip_is_CorruptArchive()
    {
        var path = package.Temp.Combine("not-a.zip");
        File.WriteAllText(path, "plain text");

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageArchive.Extract(path, package.ExtractionDirectory));

        Assert.Equal(ModelPackageError.CorruptArchive, failure.Error);
    }

    private string ZipWith(params (string Name, string Content)[] entries)
    {
        var zipPath = package.Temp.Combine("crafted.zip");
        using var archive = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var writer = new StreamWriter(archive.CreateEntry(name).Open());
            writer.Write(content);
        }

        return zipPath;
    }
}
