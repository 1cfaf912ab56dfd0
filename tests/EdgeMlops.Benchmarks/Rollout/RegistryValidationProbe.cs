using System.Diagnostics;
using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>Median time to validate one package as the registry does, and what the steps were.</summary>
public sealed record ValidationFigure(string Package, int Runs, double MedianMilliseconds, string Steps);

/// <summary>
/// Registry validation time per package. HOOK(registry): the registry part builds ModelRegistration in parallel;
/// until it is merged this times the checks registration is made of that already exist (publisher signature and
/// file hashes, load in ONNX Runtime, canary set against the manifest's gate). Once it lands, replace
/// <see cref="ValidateAsync"/> with a call to ModelRegistration on a temporary registry store, so the figure also
/// covers re-signing with the fleet key and content-addressed storage.
/// </summary>
public sealed class RegistryValidationProbe(string trustedKeys)
{
    public const string Steps = "verify signature + hashes, load in ONNX Runtime, canary set vs gate (ModelRegistration not merged yet)";

    public async Task<ValidationFigure> RunAsync(string package, int runs, CancellationToken cancellationToken)
    {
        await ValidateAsync(package, cancellationToken);
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await ValidateAsync(package, cancellationToken);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return new ValidationFigure(package, runs, times[times.Count / 2], Steps);
    }

    private Task ValidateAsync(string package, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var verified = ModelPackageVerifier.Verify(package, TrustedKeys.FromDirectory(trustedKeys));
        using var session = ClassifierSession.Create(verified.ModelPath, ClassifierSignature.FromPackage(verified),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"] }, NullLogger.Instance);
        var outcome = CanarySetCheck.Run(verified, session);
        if (!outcome.Passed)
            throw new InvalidDataException($"{package}: {outcome.Problem}");
        return Task.CompletedTask;
    }
}
