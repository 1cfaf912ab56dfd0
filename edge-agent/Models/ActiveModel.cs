using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The verified package the agent classifies with. Verification happens before anything is loaded, so a tampered
/// or untrusted package never reaches ONNX Runtime. (Hot-swap and rollback build on this in the rollout work.)
/// </summary>
public sealed class ActiveModel(IOptions<ModelOptions> options, ILogger<ActiveModel> logger)
{
    private VerifiedModelPackage? _package;

    public VerifiedModelPackage Package => _package ??= Load();

    public string Name => Package.Manifest.Name;
    public string Version => Package.Manifest.Version;

    /// <summary>A new session for the current package; one per consuming thread.</summary>
    public ClassifierSession CreateSession(ClassifierRuntimeOptions runtime) =>
        ClassifierSession.Create(Package.ModelPath, ClassifierSignature.FromPackage(Package), runtime, logger);

    private VerifiedModelPackage Load()
    {
        var o = options.Value;
        o.Validate();
        var trust = TrustedKeys.FromDirectory(o.TrustedKeysDirectory);
        var extraction = File.Exists(o.PackagePath) ? Path.Combine(Path.GetTempPath(), $"edgemlops-model-{Guid.NewGuid():N}") : null;
        var package = ModelPackageVerifier.Verify(o.PackagePath, trust, extraction);
        logger.LogInformation("Model package {Name} {Version} verified (key {KeyId}, {Files} files)",
            package.Manifest.Name, package.Manifest.Version, package.KeyId, package.Manifest.Files.Count);
        return package;
    }
}
