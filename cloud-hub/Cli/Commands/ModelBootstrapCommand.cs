using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>model bootstrap --out DIR [--seed N]</c>: builds and signs the seed vehicle classifier package.</summary>
public sealed class ModelBootstrapCommand(ILoggerFactory loggers) : ICliCommand
{
    public string Name => "model bootstrap";
    public string Usage => "--out DIR [--seed N] [--per-class N] [--eval-per-class N] [--version V] [--key PEM] [--force]";
    public string Summary => "Train the seed vehicle classifier on synthetic crops, measure it per condition, package and sign it.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var defaults = new SeedBootstrapOptions();
        var outDir = arguments.Required("out");
        var options = defaults with
        {
            Seed = arguments.Int("seed", defaults.Seed, 0),
            TrainPerClass = arguments.Int("per-class", defaults.TrainPerClass, 10, 100_000),
            EvaluationPerClass = arguments.Int("eval-per-class", defaults.EvaluationPerClass, 10, 100_000),
            Version = arguments.Optional("version") ?? defaults.Version,
        };
        var keyPath = arguments.Optional("key") ?? Path.Combine(TrustOption.DefaultDirectory, "dev-signing.key.pem");
        bool force = arguments.Flag("force");
        arguments.RejectUnknown();
        if (!File.Exists(keyPath))
            throw new UsageException($"Signing key '{keyPath}' does not exist (give --key PEM, a PKCS#8 ECDSA P-256 private key).");

        using var key = SigningKey.Load(keyPath);
        var result = new SeedClassifierBootstrap(loggers.CreateLogger<SeedClassifierBootstrap>())
            .Run(options, outDir, key, overwrite: force);
        foreach (var m in result.Manifest.Metrics)
            output.WriteLine($"{m.Set}: macro precision {m.MacroPrecision:F3} over {m.Samples} crops");
        output.WriteLine($"wrote {outDir} ({result.Manifest.Name} {result.Manifest.Version}, signed by {key.KeyId})");
        return Task.FromResult(0);
    }
}
