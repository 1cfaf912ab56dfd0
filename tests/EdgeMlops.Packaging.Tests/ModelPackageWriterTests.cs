using System.Security.Cryptography;
using EdgeMlops.Packaging.Tests.Support;

namespace EdgeMlops.Packaging.Tests;

public sealed class ModelPackageWriterTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly SigningKey key = SigningKey.Generate();

    public void Dispose()
    {
        key.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Manifest_lists_every_file_but_itself_with_its_sha256_and_size()
    {
        var directory = temp.Combine("package");
        var manifest = ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft(), key,
            SamplePackage.CreateCanarySet(temp.Combine("canary")));

        string[] expectedPaths = ["canary/car/0001.jpg", "canary/car/0002.jpg", "canary/truck/0001.jpg", "canary/truck/0002.jpg", "model.onnx"];
        Assert.Equal(expectedPaths, manifest.Files.Select(file => file.Path));
        foreach (var file in manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, file.Path));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
            Assert.Equal(bytes.Length, file.Size);
        }
    }

    [Fact]
    public void Manifest_on_disk_is_indented_signed_and_stamped_with_the_current_format_version()
    {
        var directory = temp.Combine("package");
        var manifest = ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft(), key);

        var text = File.ReadAllText(Path.Combine(directory, "manifest.json"));
        Assert.StartsWith("{\n  \"formatVersion\": 1,", text.ReplaceLineEndings("\n"));
        Assert.Equal(ManifestSignature.EcdsaP256Sha256, manifest.Signature!.Algorithm);
        Assert.Equal(key.KeyId, manifest.Signature.KeyId);
    }

    [Fact]
    public void Model_given_as_a_file_is_copied_unchanged()
    {
        var modelPath = temp.Combine("source.onnx");
        File.WriteAllBytes(modelPath, SamplePackage.FakeModel());

        ModelPackageWriter.Write(temp.Combine("package"), modelPath, SamplePackage.Draft(), key);

        Assert.Equal(SamplePackage.FakeModel(), File.ReadAllBytes(temp.Combine("package", "model.onnx")));
    }

    [Fact]
    public void Created_at_is_stored_in_utc()
    {
        var draft = SamplePackage.Draft() with { CreatedAt = new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.FromHours(2)) };

        var manifest = ModelPackageWriter.Write(temp.Combine("package"), SamplePackage.FakeModel(), draft, key);

        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), manifest.CreatedAt);
        Assert.Equal(TimeSpan.Zero, manifest.CreatedAt.Offset);
    }

    [Fact]
    public void Non_empty_directory_is_refused_without_overwrite_and_left_untouched()
    {
        var directory = temp.Combine("package");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "keep.txt"), "mine");

        Assert.Throws<IOException>(() => ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft(), key));

        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Overwrite_replaces_the_previous_package_without_leftover_files()
    {
        var directory = temp.Combine("package");
        ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft(), key,
            SamplePackage.CreateCanarySet(temp.Combine("canary")));
        var trust = new TrustedKeys();
        trust.Add(key.ExportPublicKeyPem());

        ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft() with { Version = "1.1.0" }, key, overwrite: true);

        var verified = ModelPackageVerifier.Verify(directory, trust);
        Assert.Equal("1.1.0", verified.Manifest.Version);
        Assert.False(Directory.Exists(Path.Combine(directory, "canary")));
    }

    [Fact]
    public void Empty_directory_is_written_into_without_overwrite()
    {
        var directory = temp.Combine("package");
        Directory.CreateDirectory(directory);

        ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), SamplePackage.Draft(), key);

        Assert.True(File.Exists(Path.Combine(directory, "manifest.json")));
    }

    [Fact]
    public void Invalid_draft_writes_nothing()
    {
        var directory = temp.Combine("package");
        var draft = SamplePackage.Draft() with { Labels = [] };

        Assert.Throws<ArgumentException>(() => ModelPackageWriter.Write(directory, SamplePackage.FakeModel(), draft, key));

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Canary_folder_named_after_an_unknown_label_is_refused()
    {
        var canary = SamplePackage.CreateCanarySet(temp.Combine("canary"), "car", "lorry");

        var error = Assert.Throws<ArgumentException>(() =>
            ModelPackageWriter.Write(temp.Combine("package"), SamplePackage.FakeModel(), SamplePackage.Draft(), key, canary));

        Assert.Contains("canary/lorry/0001.jpg", error.Message);
    }

    [Theory]
    [InlineData("labels: must not be empty")]
    [InlineData("labels: 'car' appears 2 times")]
    [InlineData("input.mean: has 1 values, expected one per channel (3)")]
    [InlineData("input.std: every value must be positive")]
    [InlineData("input.width: must be positive")]
    [InlineData("version: 'v1' is not of the form")]
    [InlineData("name: the model name contains '/'")]
    [InlineData("name: the model name starts with '.'")]
    [InlineData("metrics[0].precision: 'lorry' is not one of the labels")]
    [InlineData("metrics[0].accuracy: must be between 0 and 1")]
    [InlineData("files['model.onnx'].size: must be positive")]
    public void Invalid_manifest_is_refused_with_a_message_naming_the_field(string expectedProblem)
    {
        var (draft, model) = Break(expectedProblem);

        var error = Assert.Throws<ArgumentException>(() => ModelPackageWriter.Write(temp.Combine("package"), model, draft, key));

        Assert.Contains(expectedProblem, error.Message);
    }

    private static (ModelManifestDraft Draft, byte[] Model) Break(string problem)
    {
        var draft = SamplePackage.Draft();
        var model = SamplePackage.FakeModel();
        var metrics = draft.Metrics[0];
        return problem.Split(':')[0] switch
        {
            "labels" when problem.Contains("empty") => (draft with { Labels = [] }, model),
            "labels" => (draft with { Labels = [.. draft.Labels, "car"] }, model),
            "input.mean" => (draft with { Input = draft.Input with { Mean = [0.5] } }, model),
            "input.std" => (draft with { Input = draft.Input with { Std = [0.2, 0, 0.2] } }, model),
            "input.width" => (draft with { Input = draft.Input with { Width = 0 } }, model),
            "version" => (draft with { Version = "v1" }, model),
            "name" when problem.Contains("'/'") => (draft with { Name = "../../etc" }, model), // would leave the box's model store
            "name" => (draft with { Name = ".hidden" }, model),
            "metrics[0].precision" => (draft with { Metrics = [metrics with { Precision = new Dictionary<string, double> { ["lorry"] = 0.5 } }] }, model),
            "metrics[0].accuracy" => (draft with { Metrics = [metrics with { Accuracy = 1.5 }] }, model),
            "files['model.onnx'].size" => (draft, []),
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "no way to break this yet"),
        };
    }
}
