using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Packaging;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Models.Support;

/// <summary>
/// Packages signed with a fleet key made for the test, built from the bundled seed classifier (its graph and canary
/// set), and a trust folder that holds only that fleet key, as a box's does.
/// </summary>
internal sealed class FleetPackages : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-fleet-");
    private readonly VerifiedModelPackage _seed;

    public FleetPackages()
    {
        Fleet = SigningKey.Generate();
        Directory.CreateDirectory(TrustDirectory);
        Fleet.SavePublicKey(Path.Combine(TrustDirectory, "fleet.pub.pem"));
        _seed = ModelPackageVerifier.Verify(SeedModel.PackagePath, TrustedKeys.FromDirectory(SeedModel.TrustedKeys));
    }

    public SigningKey Fleet { get; }
    public string TrustDirectory => _dir.Combine("trust");

    /// <summary>Writes version <paramref name="version"/> of the seed, signed by <paramref name="key"/> (the fleet key by default).</summary>
    /// <param name="change">Alters the draft (labels, gate).</param>
    /// <param name="retrainedCanaryImage">Re-encodes one canary image, so this version shares every file but one with the others.</param>
    public string Build(string version, Func<ModelManifestDraft, ModelManifestDraft>? change = null, SigningKey? key = null,
        bool retrainedCanaryImage = false)
    {
        var manifest = _seed.Manifest;
        var draft = ModelManifestDraft.From(manifest) with { Version = version, CreatedAt = DateTimeOffset.UtcNow };
        if (change is not null) draft = change(draft);
        var canary = _seed.CanarySetDirectory!;
        if (retrainedCanaryImage)
        {
            canary = _dir.Combine($"canary-{version}");
            foreach (var file in Directory.EnumerateFiles(_seed.CanarySetDirectory!, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(canary, Path.GetRelativePath(_seed.CanarySetDirectory!, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
            var first = Directory.EnumerateFiles(canary, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
            using var image = Cv2.ImRead(first);
            Cv2.ImWrite(first, image, new ImageEncodingParam(ImwriteFlags.JpegQuality, 71));
        }
        var target = _dir.Combine("packages", $"{draft.Name}-{version}");
        ModelPackageWriter.Write(target, _seed.ModelPath, draft, key ?? Fleet, canary);
        return target;
    }

    /// <summary>SHA-256 of a package's manifest.json, as the desired state names it.</summary>
    public static string ManifestSha256(string package) => ModelStore.Sha256OfFile(Path.Combine(package, PackageLayout.ManifestFile));

    public static ModelManifest Manifest(string package) =>
        ModelManifestJson.Parse(File.ReadAllBytes(Path.Combine(package, PackageLayout.ManifestFile)));

    public void Dispose()
    {
        Fleet.Dispose();
        _dir.Dispose();
    }
}
