using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Packaging.Tests.Support;

/// <summary>A signed sample package written to a temp directory, with the key that signed it trusted.</summary>
internal sealed class WrittenPackage : IDisposable
{
    public WrittenPackage()
    {
        Trust.Add(Key.ExportPublicKeyPem());
        Manifest = ModelPackageWriter.Write(Directory, ModelBytes, SamplePackage.Draft(), Key,
            SamplePackage.CreateCanarySet(Temp.Combine("canary-source")));
    }

    public TempDirectory Temp { get; } = new();

    public SigningKey Key { get; } = SigningKey.Generate();

    public TrustedKeys Trust { get; } = new();

    public byte[] ModelBytes { get; } = SamplePackage.FakeModel();

    public ModelManifest Manifest { get; }

    public string Directory => Temp.Combine("package");

    public string ManifestPath => Path.Combine(Directory, "manifest.json");

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public string ExtractionDirectory => Temp.Combine("extracted");

    public string Pack()
    {
        var zipPath = Temp.Combine("package.zip");
        ModelPackageArchive.Pack(Directory, zipPath);
        return zipPath;
    }

    public VerifiedModelPackage Verify(string? path = null) =>
        ModelPackageVerifier.Verify(path ?? Directory, Trust, ExtractionDirectory);

    public ModelPackageException VerifyFails(string? path = null) =>
        Assert.Throws<ModelPackageException>(() => Verify(path));

    /// <summary>Edits manifest.json as JSON and writes it back without signing again.</summary>
    public void EditManifest(Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();
        edit(manifest);
        File.WriteAllText(ManifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void FlipByte(string path, int index)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[index] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    public void Dispose()
    {
        Key.Dispose();
        Temp.Dispose();
    }
}
