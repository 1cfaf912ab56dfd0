namespace EdgeMlops.Packaging;

/// <summary>Verifies package directories and archives against a set of trusted keys.</summary>
public static class ModelPackageVerifier
{
    /// <summary>
    /// Verifies a package directory or <c>.zip</c> (any existing file is read as a zip). Checks run in this order,
    /// and the first failure is reported: archive (readable, safe entry names, within limits) -> <c>manifest.json</c>
    /// present -> JSON syntax -> format version -> schema -> signature (present, key trusted, verifies) -> content
    /// rules -> files (none missing, none unlisted, sizes and SHA-256 match).
    /// </summary>
    /// <remarks>
    /// The signature is checked before the content rules and the files, so an edited manifest is reported as
    /// <see cref="ModelPackageError.ManifestTampered"/> even when the edit also breaks a rule or lists a different
    /// hash. A zip is extracted to <paramref name="extractionDirectory"/>, or else to a new directory under the temp
    /// folder that the caller then owns; on failure nothing extracted is left behind.
    /// </remarks>
    /// <param name="packagePath">A package directory or a package archive.</param>
    /// <param name="trust">Keys whose signatures are accepted.</param>
    /// <param name="extractionDirectory">Where to extract an archive (must be absent or empty); ignored for a directory.</param>
    /// <exception cref="ModelPackageException">The package failed a check; <see cref="ModelPackageException.Error"/> says which.</exception>
    public static VerifiedModelPackage Verify(string packagePath, TrustedKeys trust, string? extractionDirectory = null)
    {
        if (Directory.Exists(packagePath))
        {
            return VerifyDirectory(Path.GetFullPath(packagePath), trust);
        }

        if (!File.Exists(packagePath))
        {
            throw new ModelPackageException(ModelPackageError.MissingManifest,
                $"{packagePath}: neither a package directory nor an archive exists here", packagePath);
        }

        var target = ClaimedDirectory.Claim(extractionDirectory ?? Path.Combine(Path.GetTempPath(), $"edgemlops-package-{Guid.NewGuid():N}"));
        try
        {
            ModelPackageArchive.Extract(packagePath, target.Path);
            return VerifyDirectory(target.Path, trust);
        }
        catch
        {
            target.Restore();
            throw;
        }
    }

    private static VerifiedModelPackage VerifyDirectory(string directory, TrustedKeys trust)
    {
        var manifestPath = Path.Combine(directory, PackageLayout.ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new ModelPackageException(ModelPackageError.MissingManifest,
                $"{PackageLayout.ManifestFile}: not found in '{directory}'", PackageLayout.ManifestFile);
        }

        var manifest = ModelManifestJson.Parse(File.ReadAllBytes(manifestPath));
        var keyId = ManifestSigner.Verify(manifest, trust);
        var problems = ManifestValidator.FindProblems(manifest);
        if (problems.Count > 0)
        {
            throw new ModelPackageException(ModelPackageError.MalformedManifest,
                $"{PackageLayout.ManifestFile}: {string.Join("; ", problems)}", PackageLayout.ManifestFile);
        }

        PackageContentVerifier.Verify(directory, manifest.Files);
        return new VerifiedModelPackage(manifest, directory, keyId);
    }
}
