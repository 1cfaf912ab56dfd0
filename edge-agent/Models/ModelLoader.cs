using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// Verifies a model package and opens its classifier session. Verification happens before anything is loaded, so a
/// tampered or untrusted package never reaches ONNX Runtime.
/// </summary>
public sealed class ModelLoader(IOptions<ClassifierRuntimeOptions> runtime, ILogger<ModelLoader> logger)
{
    /// <exception cref="ModelPackageException">The package is refused (tampered, untrusted, malformed).</exception>
    /// <exception cref="ClassifierLoadException">The package verified but its model cannot be run.</exception>
    /// <param name="extractionDirectory">Where a .zip package is extracted (a new folder inside it); the system's temporary folder when null.</param>
    public LoadedModel Load(string packagePath, string trustedKeysDirectory, long generation, string? extractionDirectory = null)
    {
        var trust = TrustedKeys.FromDirectory(trustedKeysDirectory);
        var extraction = File.Exists(packagePath)
            ? Path.Combine(extractionDirectory ?? Path.GetTempPath(), $"edgemlops-model-{Guid.NewGuid():N}")
            : null;
        try
        {
            var package = ModelPackageVerifier.Verify(packagePath, trust, extraction);
            logger.LogInformation("Model package {Name} {Version} verified (key {KeyId}, {Files} files)",
                package.Manifest.Name, package.Manifest.Version, package.KeyId, package.Manifest.Files.Count);
            var session = ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package), runtime.Value, logger);
            return new LoadedModel(package, session, generation, extraction, Path.GetFullPath(packagePath));
        }
        catch
        {
            LoadedModel.DeleteExtraction(extraction);
            throw;
        }
    }

    /// <summary>A second session of an already verified package, for checks that must not share the serving session's buffers.</summary>
    public ClassifierSession OpenSession(VerifiedModelPackage package) =>
        ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package), runtime.Value, logger);
}
