using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Tests.Registry;

/// <summary>Packages for registry tests: the bundled seed model, re-written with a changed manifest and signed with a given key.</summary>
internal static class TestPackages
{
    /// <summary>The hub settings that trust the repository's development publisher key.</summary>
    public static Dictionary<string, string?> TrustDevKey => new() { [$"{RegistryOptions.Section}:TrustedPublishersDirectory"] = RepositoryPaths.Keys };

    /// <summary>The development publisher key the bundled package is signed with.</summary>
    public static SigningKey DevKey() => SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));

    /// <summary>Writes the seed model's package again into <paramref name="directory"/>, signed by <paramref name="key"/> (the dev key when null), its manifest changed by <paramref name="change"/>.</summary>
    public static string Write(string directory, Func<ModelManifestDraft, ModelManifestDraft>? change = null, SigningKey? key = null)
    {
        var seed = ModelPackageVerifier.Verify(RepositoryPaths.SeedModel, TrustedKeys.FromDirectory(RepositoryPaths.Keys)).Manifest;
        var draft = new ModelManifestDraft
        {
            Name = seed.Name,
            Version = seed.Version,
            Labels = seed.Labels,
            Input = seed.Input,
            Output = seed.Output,
            Lineage = seed.Lineage,
            Metrics = seed.Metrics,
            Gate = seed.Gate,
            CreatedAt = seed.CreatedAt,
        };
        using var devKey = key is null ? DevKey() : null;
        ModelPackageWriter.Write(directory, Path.Combine(RepositoryPaths.SeedModel, PackageLayout.ModelFile), change?.Invoke(draft) ?? draft,
            key ?? devKey!, Path.Combine(RepositoryPaths.SeedModel, PackageLayout.CanaryDirectory));
        return directory;
    }

    /// <summary>Zips a package directory.</summary>
    public static string Zip(string packageDirectory, string zipPath)
    {
        ModelPackageArchive.Pack(packageDirectory, zipPath);
        return zipPath;
    }

    /// <summary>Lays a registered version out as a package directory from the hub's blobs: the fleet manifest and the files it lists.</summary>
    public static string Materialize(InProcessHub hub, string name, string version, string directory)
    {
        var book = hub.Get<ModelVersionBook>();
        var blobs = hub.Get<ModelBlobStore>();
        var registered = book.Find(name, version) ?? throw new InvalidOperationException($"{name} {version} is not registered");
        Directory.CreateDirectory(directory);
        File.Copy(blobs.PathOf(registered.ManifestSha256), Path.Combine(directory, PackageLayout.ManifestFile));
        foreach (var file in book.Files(name, version))
        {
            var target = Path.Combine(directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(blobs.PathOf(file.Sha256), target);
        }
        return directory;
    }
}
