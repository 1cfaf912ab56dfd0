namespace EdgeMlops.Packaging;

/// <summary>Writes signed package directories.</summary>
public static class ModelPackageWriter
{
    /// <summary>
    /// Writes a package: <c>model.onnx</c> from <paramref name="modelBytes"/>, the canary set copied to
    /// <c>canary/</c>, then the manifest listing every file with its SHA-256 and size, signed with
    /// <paramref name="signingKey"/> and written indented. The package is assembled in a sibling directory and moved
    /// into place, so <paramref name="targetDirectory"/> never holds a half-written package.
    /// </summary>
    /// <param name="targetDirectory">Where the package goes; must be absent or empty unless <paramref name="overwrite"/>.</param>
    /// <param name="modelBytes">The ONNX model; its content is not interpreted.</param>
    /// <param name="draft">Everything in the manifest except files and signature.</param>
    /// <param name="signingKey">Key whose signature edge boxes trust.</param>
    /// <param name="canarySetDirectory">Labelled canary images laid out as <c>&lt;label&gt;/&lt;file&gt;</c>, or <c>null</c>.</param>
    /// <param name="overwrite">Replace a non-empty <paramref name="targetDirectory"/> and everything in it.</param>
    /// <returns>The signed manifest as written.</returns>
    /// <exception cref="IOException"><paramref name="targetDirectory"/> is not empty and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="ArgumentException">The resulting manifest breaks a rule; the message lists every problem by field.</exception>
    public static ModelManifest Write(string targetDirectory, byte[] modelBytes, ModelManifestDraft draft, SigningKey signingKey,
        string? canarySetDirectory = null, bool overwrite = false) =>
        Write(targetDirectory, () => new MemoryStream(modelBytes, writable: false), draft, signingKey, canarySetDirectory, overwrite);

    /// <summary>Writes a package like <see cref="Write(string, byte[], ModelManifestDraft, SigningKey, string?, bool)"/>, streaming the model from <paramref name="modelPath"/>.</summary>
    /// <param name="modelDataFiles">Files beside <paramref name="modelPath"/> that the model reads (ONNX external
    /// data), by name; they go beside <c>model.onnx</c> and are listed and signed like every other file.</param>
    public static ModelManifest Write(string targetDirectory, string modelPath, ModelManifestDraft draft, SigningKey signingKey,
        string? canarySetDirectory = null, bool overwrite = false, IReadOnlyList<string>? modelDataFiles = null) =>
        Write(targetDirectory, () => File.OpenRead(modelPath), draft, signingKey, canarySetDirectory, overwrite,
            (modelDataFiles ?? []).Select(name => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, name)).ToList());

    /// <summary>
    /// Signs an already verified package's manifest again with <paramref name="key"/> (the hub's fleet key: boxes
    /// trust only fleet keys) and returns the re-signed manifest and its serialized bytes. The signed content is
    /// unchanged; only the signature differs.
    /// </summary>
    public static (ModelManifest Manifest, byte[] Json) Resign(VerifiedModelPackage package, SigningKey key)
    {
        var signed = ManifestSigner.Sign(package.Manifest with { Signature = null }, key);
        return (signed, ModelManifestJson.Serialize(signed, indented: true));
    }

    private static ModelManifest Write(string targetDirectory, Func<Stream> openModel, ModelManifestDraft draft, SigningKey signingKey,
        string? canarySetDirectory, bool overwrite, IReadOnlyList<string>? modelDataPaths = null)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDirectory));
        RequireWritable(target, overwrite);
        // A sibling, so the final move is a rename on the same file system.
        var staging = $"{target}.writing-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            CopyModel(openModel, Path.Combine(staging, PackageLayout.ModelFile));
            foreach (var dataPath in modelDataPaths ?? [])
            {
                File.Copy(dataPath, Path.Combine(staging, Path.GetFileName(dataPath)));
            }
            if (canarySetDirectory is not null)
            {
                CopyTree(canarySetDirectory, Path.Combine(staging, PackageLayout.CanaryDirectory));
            }

            var files = PackageFiles.ListRelativePaths(staging).Select(path => PackageFiles.Describe(staging, path)).ToList();
            var manifest = draft.ToUnsignedManifest(files);
            var problems = ManifestValidator.FindProblems(manifest);
            if (problems.Count > 0)
            {
                throw new ArgumentException($"The package manifest is invalid: {string.Join("; ", problems)}", nameof(draft));
            }

            var signed = ManifestSigner.Sign(manifest, signingKey);
            File.WriteAllBytes(Path.Combine(staging, PackageLayout.ManifestFile), ModelManifestJson.Serialize(signed, indented: true));
            MoveIntoPlace(staging, target);
            return signed;
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static void RequireWritable(string target, bool overwrite)
    {
        if (!overwrite && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"'{target}' is not empty; pass overwrite: true to replace it");
        }
    }

    private static void CopyModel(Func<Stream> openModel, string destination)
    {
        using var model = openModel();
        using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        model.CopyTo(file);
    }

    private static void CopyTree(string source, string destination)
    {
        foreach (var relativePath in PackageFiles.ListRelativePaths(source))
        {
            var target = Path.Combine(destination, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, relativePath), target);
        }
    }

    private static void MoveIntoPlace(string staging, string target)
    {
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(staging, target);
    }
}
