using System.Security.Cryptography;
using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>A registration that passed: the version as stored, and whether this call stored it (false: the same content was registered before).</summary>
public sealed record RegistrationResult(RegisteredVersion Version, bool Created);

/// <summary>
/// Registers a model package: verifies the publisher's signature against the trusted publisher keys, checks the
/// manifest against the ONNX graph by loading it in ONNX Runtime (CPU), runs the canary set against the manifest's
/// gate, re-signs the manifest with the fleet key and stores files and fleet manifest content-addressed. A (name,
/// version) is immutable: the same content again is a no-op, other content is refused. Every outcome is audited
/// (<c>model.register</c>) and counted; every refusal names the check and the file.
/// </summary>
public sealed class ModelRegistration(
    ModelVersionBook book,
    ModelBlobStore blobs,
    FleetKey fleetKey,
    AuditLog audit,
    RegistryMetrics metrics,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<ModelRegistration> logger)
{
    /// <summary>The audit action of a registration.</summary>
    public const string AuditAction = "model.register";

    // One at a time: each loads a model and runs its canary set, and two of the same version must not race to store.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Registers the package directory or <c>.zip</c> at <paramref name="packagePath"/> on behalf of <paramref name="actor"/>.</summary>
    /// <param name="source">What refusals and the audit log call the package (e.g. <c>upload.zip</c> for a temporary upload file, whose path means nothing to the caller); default its file name.</param>
    /// <exception cref="RegistrationRefusedException">A check failed; nothing was stored.</exception>
    public async Task<RegistrationResult> RegisterAsync(string packagePath, string actor, string? notes, CancellationToken cancellationToken, string? source = null)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        try
        {
            var result = Register(packagePath, actor, notes, source);
            var v = result.Version;
            audit.Record(actor, AuditAction, $"{v.Name}@{v.Version}", result.Created ? AuditActions.Done : $"{AuditActions.Done}: already registered with this content");
            metrics.VersionRegistered(result.Created);
            if (result.Created)
                logger.LogInformation("Registered {Model} {Version} (fleet manifest {ManifestSha256}, {Bytes} bytes) for {Actor}; checks took {Milliseconds:0} ms",
                    v.Name, v.Version, v.ManifestSha256, v.Size, actor, time.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (RegistrationRefusedException refused)
        {
            RecordRefusal(refused, actor, source ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(packagePath)));
            throw;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Records a refusal that happened before a package was there to check (e.g. an upload over the size limit).</summary>
    public void RecordRefusal(RegistrationRefusedException refused, string actor, string target)
    {
        audit.Record(actor, AuditAction, target, $"refused: {refused.Check}: {refused.Problem}");
        metrics.RegistrationRefused(refused.Check);
        logger.LogWarning("Refused to register {Package} for {Actor}: {Check} check failed on {File}: {Problem}",
            target, actor, refused.Check, refused.File, refused.Problem);
    }

    private RegistrationResult Register(string packagePath, string actor, string? notes, string? source)
    {
        var trust = LoadPublisherKeys();
        var extraction = Path.Combine(blobs.ScratchDirectory, $"package-{Guid.NewGuid():N}");
        try
        {
            VerifiedModelPackage package;
            try
            {
                Directory.CreateDirectory(blobs.ScratchDirectory);
                package = ModelPackageVerifier.Verify(packagePath, trust, File.Exists(packagePath) ? extraction : null);
            }
            catch (ModelPackageException e)
            {
                // Archive problems name the archive's own path: say it as the caller knows it.
                var (file, message) = source is null ? (e.Path, e.Message) : (e.Path.Replace(packagePath, source, StringComparison.Ordinal), e.Message.Replace(packagePath, source, StringComparison.Ordinal));
                throw new RegistrationRefusedException(RegistrationChecks.Of(e.Error), file, $"{e.Error}: {message}", e);
            }
            var manifest = package.Manifest;
            var contentSha256 = Convert.ToHexStringLower(SHA256.HashData(ModelManifestJson.GetSigningBytes(manifest)));
            if (book.Find(manifest.Name, manifest.Version) is { } registered)
                return Same(registered, contentSha256);

            var canary = CheckGraphAndCanary(package);
            var (_, fleetJson) = ModelPackageWriter.Resign(package, fleetKey.Key);
            foreach (var file in manifest.Files)
                blobs.Put(file.Sha256, Path.Combine(package.Directory, file.Path));
            var manifestSha256 = blobs.Put(fleetJson);

            var version = new RegisteredVersion(
                manifest.Name, manifest.Version, manifestSha256, contentSha256,
                Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package.Directory, PackageLayout.ManifestFile)))),
                package.KeyId, time.GetUtcNow(), actor, string.IsNullOrWhiteSpace(notes) ? null : notes,
                manifest.Lineage.ParentVersion, manifest.Lineage.TrainingDataHash,
                JsonSerializer.Serialize(manifest.Metrics, ModelManifestJsonContext.Default.Options),
                JsonSerializer.Serialize(canary, ModelManifestJsonContext.Default.Options),
                manifest.Files.Sum(file => file.Size));
            var files = manifest.Files.Select(file => new RegisteredFile(file.Path, file.Sha256, file.Size)).ToList();
            // Another process (the CLI beside the hub) may have stored the same version meanwhile.
            return book.TryAdd(version, files) is { } raced ? Same(raced, contentSha256) : new RegistrationResult(version, Created: true);
        }
        finally
        {
            if (Directory.Exists(extraction))
                Directory.Delete(extraction, recursive: true);
        }
    }

    private static RegistrationResult Same(RegisteredVersion registered, string contentSha256) =>
        registered.ContentSha256 == contentSha256
            ? new RegistrationResult(registered, Created: false)
            : throw new RegistrationRefusedException(RegistrationChecks.Immutable, PackageLayout.ManifestFile,
                $"{registered.Name} {registered.Version} is already registered (by {registered.RegisteredBy} at {registered.RegisteredAt:O}) with other content; " +
                "a version never changes: publish this one under a new version");

    private TrustedKeys LoadPublisherKeys()
    {
        var directory = options.Value.TrustedPublishersDirectory;
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
            throw new RegistrationRefusedException(RegistrationChecks.PublisherTrust, full,
                $"{RegistryOptions.Section}:TrustedPublishersDirectory '{full}' does not exist; point it at the folder of publisher *{TrustedKeys.PublicKeyFileSuffix} keys");
        TrustedKeys trust;
        try
        {
            trust = TrustedKeys.FromDirectory(full);
        }
        catch (ArgumentException e)
        {
            throw new RegistrationRefusedException(RegistrationChecks.PublisherTrust, full, e.Message, e);
        }
        return trust.KeyIds.Count > 0
            ? trust
            : throw new RegistrationRefusedException(RegistrationChecks.PublisherTrust, full,
                $"{RegistryOptions.Section}:TrustedPublishersDirectory '{full}' holds no *{TrustedKeys.PublicKeyFileSuffix} keys");
    }

    /// <summary>
    /// Loads the model the way a box does (ClassifierSession checks input name and NCHW shape, output name and that its
    /// width is the label count) on the CPU, then scores the canary set against the gate.
    /// </summary>
    private EvaluationMetrics CheckGraphAndCanary(VerifiedModelPackage package)
    {
        ClassifierSession session;
        try
        {
            var signature = ClassifierSignature.FromPackage(package);
            session = ClassifierSession.Create(package.ModelPath, signature,
                new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], Preprocessing = PreprocessingPlacement.Host }, logger);
        }
        catch (Exception e) when (e is ClassifierLoadException or NotSupportedException or ArgumentException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // OnnxRuntimeException: the graph loaded but its first run at load (warm-up) failed.
            throw new RegistrationRefusedException(RegistrationChecks.Graph, PackageLayout.ModelFile, e.Message, e);
        }
        using (session)
        {
            CanaryOutcome outcome;
            try
            {
                outcome = CanarySetCheck.Run(package, session);
            }
            catch (Exception e) when (e is InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                // A graph that loads but fails when run (an out-of-range index, a bad reshape) is the package's fault:
                // refused and audited like any other canary failure, not a 500.
                throw new RegistrationRefusedException(RegistrationChecks.Canary, PackageLayout.CanaryDirectory, e.Message, e);
            }
            return outcome.Passed
                ? outcome.Metrics
                : throw new RegistrationRefusedException(RegistrationChecks.Canary, PackageLayout.CanaryDirectory, outcome.Problem ?? "under the gate");
        }
    }
}
