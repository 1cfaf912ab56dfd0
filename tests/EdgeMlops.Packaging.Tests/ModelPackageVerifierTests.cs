using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeMlops.Packaging.Tests.Support;

namespace EdgeMlops.Packaging.Tests;

public sealed class ModelPackageVerifierTests : IDisposable
{
    private readonly WrittenPackage package = new();

    public void Dispose() => package.Dispose();

    [Fact]
    public void Written_package_verifies_as_directory_and_as_zip_with_the_same_manifest()
    {
        var fromDirectory = package.Verify();
        var fromZip = package.Verify(package.Pack());

        var written = ModelManifestJson.Serialize(package.Manifest, indented: false);
        Assert.Equal(written, ModelManifestJson.Serialize(fromDirectory.Manifest, indented: false));
        Assert.Equal(written, ModelManifestJson.Serialize(fromZip.Manifest, indented: false));
        Assert.Equal(package.Key.KeyId, fromZip.KeyId);
        Assert.Equal(Path.GetFullPath(package.ExtractionDirectory), fromZip.Directory);
        Assert.Equal(package.ModelBytes, File.ReadAllBytes(fromZip.ModelPath));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(fromZip.CanarySetDirectory!, "truck")).Length);
    }

    [Fact]
    public void Package_without_canary_set_verifies_with_no_canary_directory()
    {
        var directory = package.Temp.Combine("no-canary");
        ModelPackageWriter.Write(directory, package.ModelBytes, SamplePackage.Draft(), package.Key);

        var verified = ModelPackageVerifier.Verify(directory, package.Trust);

        Assert.Null(verified.CanarySetDirectory);
        Assert.Equal(["model.onnx"], verified.Manifest.Files.Select(file => file.Path));
    }

    [Fact]
    public void One_flipped_byte_in_the_model_is_FileTampered_naming_model_onnx()
    {
        WrittenPackage.FlipByte(package.ModelPath, 1000);

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.FileTampered, failure.Error);
        Assert.Equal("model.onnx", failure.Path);
        var expectedPrefix = package.Manifest.Files.Single(file => file.Path == "model.onnx").Sha256[..12];
        var actualPrefix = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(package.ModelPath)))[..12];
        Assert.Contains($"expected {expectedPrefix}", failure.Message);
        Assert.Contains($"actual {actualPrefix}", failure.Message);
    }

    [Fact]
    public void Truncated_model_is_FileTampered_by_size()
    {
        File.WriteAllBytes(package.ModelPath, package.ModelBytes[..^1]);

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.FileTampered, failure.Error);
        Assert.Contains($"the manifest says {package.ModelBytes.Length}", failure.Message);
    }

    [Fact]
    public void Label_renamed_without_re_signing_is_ManifestTampered()
    {
        package.EditManifest(manifest => manifest["labels"]![0] = "lorry");

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Metric_raised_without_re_signing_is_ManifestTampered()
    {
        package.EditManifest(manifest => manifest["metrics"]![0]!["macroPrecision"] = 0.99);

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Manifest_listing_a_different_model_hash_without_re_signing_is_ManifestTampered_not_FileTampered()
    {
        package.EditManifest(manifest => ModelFileEntry(manifest)["sha256"] = new string('0', 64));

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Replaced_model_with_its_new_hash_in_the_manifest_is_ManifestTampered()
    {
        WrittenPackage.FlipByte(package.ModelPath, 1000);
        var newHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(package.ModelPath)));
        package.EditManifest(manifest => ModelFileEntry(manifest)["sha256"] = newHash);

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Edit_that_also_breaks_a_content_rule_is_ManifestTampered()
    {
        package.EditManifest(manifest => manifest["labels"]![1] = "car");

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Package_signed_with_a_key_not_trusted_is_UntrustedKey()
    {
        using var otherKey = SigningKey.Generate();
        var trust = new TrustedKeys();
        trust.Add(otherKey.ExportPublicKeyPem());

        var failure = Assert.Throws<ModelPackageException>(() => ModelPackageVerifier.Verify(package.Directory, trust));

        Assert.Equal(ModelPackageError.UntrustedKey, failure.Error);
        Assert.Contains(package.Key.KeyId, failure.Message);
    }

    [Fact]
    public void Signature_moved_to_a_trusted_key_id_is_ManifestTampered()
    {
        using var otherKey = SigningKey.Generate();
        var otherKeyId = package.Trust.Add(otherKey.ExportPublicKeyPem());
        package.EditManifest(manifest => manifest["signature"]!["keyId"] = otherKeyId);

        Assert.Equal(ModelPackageError.ManifestTampered, package.VerifyFails().Error);
    }

    [Fact]
    public void Deleted_file_is_MissingFile_naming_it()
    {
        File.Delete(Path.Combine(package.Directory, "canary", "car", "0002.jpg"));

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.MissingFile, failure.Error);
        Assert.Equal("canary/car/0002.jpg", failure.Path);
        Assert.Contains("canary/car/0002.jpg", failure.Message);
    }

    [Theory]
    [InlineData("extra.onnx")]
    [InlineData(".hidden")]
    [InlineData("canary/car/planted.jpg")]
    public void Planted_file_is_UnlistedFile_naming_it(string plantedPath)
    {
        File.WriteAllText(Path.Combine(package.Directory, plantedPath), "planted");

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.UnlistedFile, failure.Error);
        Assert.Equal(plantedPath, failure.Path);
    }

    [Fact]
    public void Missing_manifest_is_MissingManifest()
    {
        File.Delete(package.ManifestPath);

        Assert.Equal(ModelPackageError.MissingManifest, package.VerifyFails().Error);
    }

    [Fact]
    public void Manifest_with_invalid_json_is_MalformedManifest()
    {
        File.WriteAllText(package.ManifestPath, File.ReadAllText(package.ManifestPath)[..200]);

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("not valid JSON", failure.Message);
    }

    [Fact]
    public void Manifest_missing_a_required_field_is_MalformedManifest_naming_it()
    {
        package.EditManifest(manifest => manifest["input"]!.AsObject().Remove("width"));

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("width", failure.Message);
    }

    [Fact]
    public void Manifest_with_an_unknown_property_is_MalformedManifest()
    {
        package.EditManifest(manifest => manifest["approvedBy"] = "mallory");

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("approvedBy", failure.Message);
    }

    [Fact]
    public void Manifest_with_format_version_99_is_UnsupportedFormatVersion_naming_both_versions()
    {
        package.EditManifest(manifest => manifest["formatVersion"] = 99);

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.UnsupportedFormatVersion, failure.Error);
        Assert.Contains("formatVersion 99", failure.Message);
        Assert.Contains("supports 1", failure.Message);
    }

    [Fact]
    public void Manifest_without_signature_is_Unsigned()
    {
        package.EditManifest(manifest => manifest.Remove("signature"));

        Assert.Equal(ModelPackageError.Unsigned, package.VerifyFails().Error);
    }

    [Fact]
    public void Signature_with_an_unknown_algorithm_is_MalformedManifest()
    {
        package.EditManifest(manifest => manifest["signature"]!["algorithm"] = "RSA-PSS-SHA256");

        var failure = package.VerifyFails();

        Assert.Equal(ModelPackageError.MalformedManifest, failure.Error);
        Assert.Contains("RSA-PSS-SHA256", failure.Message);
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("tabs and CRLF")]
    public void Manifest_reformatted_on_disk_still_verifies(string style)
    {
        var original = File.ReadAllText(package.ManifestPath);
        var reformatted = style == "compact"
            ? JsonNode.Parse(original)!.ToJsonString()
            : original.Replace("  ", "\t").Replace("\n", "\r\n");
        Assert.NotEqual(original, reformatted);
        File.WriteAllText(package.ManifestPath, reformatted);

        Assert.Equal(package.Key.KeyId, package.Verify().KeyId);
    }

    [Fact]
    public void Metric_labels_reordered_on_disk_still_verify()
    {
        package.EditManifest(manifest =>
        {
            var precision = manifest["metrics"]![0]!["precision"]!.AsObject();
            var reversed = new JsonObject(precision.Reverse().Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
            manifest["metrics"]![0]!["precision"] = reversed;
        });

        Assert.Equal(package.Key.KeyId, package.Verify().KeyId);
    }

    [Fact]
    public void Zip_cut_in_half_is_CorruptArchive()
    {
        var zipPath = package.Pack();
        var bytes = File.ReadAllBytes(zipPath);
        File.WriteAllBytes(zipPath, bytes[..(bytes.Length / 2)]);

        Assert.Equal(ModelPackageError.CorruptArchive, package.VerifyFails(zipPath).Error);
    }

    [Fact]
    public void Zip_with_a_garbage_byte_range_is_CorruptArchive()
    {
        var zipPath = package.Pack();
        var bytes = File.ReadAllBytes(zipPath);
        Array.Fill(bytes, (byte)0xA5, bytes.Length / 2, 64);
        File.WriteAllBytes(zipPath, bytes);

        Assert.Equal(ModelPackageError.CorruptArchive, package.VerifyFails(zipPath).Error);
    }

    [Fact]
    public void Zip_with_a_parent_directory_entry_is_rejected_and_nothing_is_written()
    {
        var zipPath = package.Pack();
        using (var archive = ZipFile.Open(zipPath, ZipArchiveMode.Update))
        {
            using var writer = new StreamWriter(archive.CreateEntry("../evil").Open());
            writer.Write("escaped");
        }

        var failure = package.VerifyFails(zipPath);

        Assert.Equal(ModelPackageError.UnsafeArchiveEntry, failure.Error);
        Assert.Contains("../evil", failure.Message);
        Assert.False(File.Exists(package.Temp.Combine("evil")));
        Assert.False(Directory.Exists(package.ExtractionDirectory));
    }

    [Fact]
    public void Failed_zip_verification_removes_what_it_extracted()
    {
        var zipPath = package.Pack();
        using (var archive = ZipFile.Open(zipPath, ZipArchiveMode.Update))
        {
            using var writer = new StreamWriter(archive.CreateEntry("planted.txt").Open());
            writer.Write("planted");
        }

        Assert.Equal(ModelPackageError.UnlistedFile, package.VerifyFails(zipPath).Error);
        Assert.False(Directory.Exists(package.ExtractionDirectory));
    }

    [Fact]
    public void Path_that_does_not_exist_is_MissingManifest()
    {
        Assert.Equal(ModelPackageError.MissingManifest, package.VerifyFails(package.Temp.Combine("nowhere")).Error);
    }

    private static JsonNode ModelFileEntry(JsonObject manifest) =>
        manifest["files"]!.AsArray().Single(file => (string?)file!["path"] == "model.onnx")!;
}
