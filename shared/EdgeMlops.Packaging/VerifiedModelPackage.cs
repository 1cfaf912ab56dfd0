namespace EdgeMlops.Packaging;

/// <summary>
/// A package whose signature and files have been verified. Only <see cref="ModelPackageVerifier"/> creates one, so
/// holding an instance means the checks passed (at the time of verification: the files stay writable on disk).
/// </summary>
public sealed class VerifiedModelPackage
{
    internal VerifiedModelPackage(ModelManifest manifest, string directory, string keyId)
    {
        Manifest = manifest;
        Directory = directory;
        KeyId = keyId;
        ModelPath = Path.Combine(directory, PackageLayout.ModelFile);
        var hasCanarySet = manifest.Files.Any(file => file.Path.StartsWith(PackageLayout.CanaryDirectory + "/", StringComparison.Ordinal));
        CanarySetDirectory = hasCanarySet ? Path.Combine(directory, PackageLayout.CanaryDirectory) : null;
    }

    /// <summary>The verified manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Absolute path of the directory holding the verified files.</summary>
    public string Directory { get; }

    /// <summary>Absolute path of <c>model.onnx</c>.</summary>
    public string ModelPath { get; }

    /// <summary>Absolute path of the labelled canary set (<c>canary/&lt;label&gt;/...</c>), or <c>null</c> when the package has none.</summary>
    public string? CanarySetDirectory { get; }

    /// <summary>Id of the trusted key the manifest was signed with.</summary>
    public string KeyId { get; }
}
