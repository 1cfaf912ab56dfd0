using EdgeMlops.CloudHub.Training;
using EdgeMlops.CloudHub.Training.Backbones;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Onnx.Backbones;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>model bootstrap --out DIR [--backbone hog|resnet18] [--seed N]</c>: builds and signs a vehicle classifier
/// package, the seed (HOG) by default.
/// </summary>
public sealed class ModelBootstrapCommand(ILoggerFactory loggers) : ICliCommand
{
    private const int DefaultResNetInputSize = 112;

    public string Name => "model bootstrap";
    public string Usage => "--out DIR [--backbone hog|resnet18] [--input-size N] [--resnet18-onnx FILE] [--seed N] [--per-class N] [--eval-per-class N] [--version V] [--key PEM] [--force]";
    public string Summary => "Train a vehicle classifier head (seed HOG features, or ImageNet ResNet-18 from its NuGet package) on synthetic crops, measure it per condition, package and sign it.";

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
        var backboneName = arguments.Optional("backbone") ?? "hog";
        var inputSize = arguments.Int("input-size", DefaultResNetInputSize, 32, 1024);
        var resnetOnnx = arguments.Optional("resnet18-onnx") ?? ResNet18Backbone.PackagedModelPath();
        var keyPath = arguments.Optional("key") ?? Path.Combine(TrustOption.DefaultDirectory, "dev-signing.key.pem");
        bool force = arguments.Flag("force");
        arguments.RejectUnknown();
        if (!File.Exists(keyPath))
            throw new UsageException($"Signing key '{keyPath}' does not exist (give --key PEM, a PKCS#8 ECDSA P-256 private key).");

        IClassifierBackbone backbone = backboneName switch
        {
            "hog" => new HogSeedBackbone(),
            "resnet18" when !File.Exists(resnetOnnx) => throw new UsageException(
                $"'{resnetOnnx}' does not exist: restore the NuGet package {ResNet18Backbone.PackageId} {ResNet18Backbone.PackageVersion} " +
                "(dotnet restore tests/EdgeMlops.Onnx.Tests downloads it) or give --resnet18-onnx FILE."),
            "resnet18" => new ResNet18ClassifierBackbone(resnetOnnx, inputSize),
            _ => throw new UsageException($"Unknown --backbone '{backboneName}'; use hog or resnet18."),
        };

        using var key = SigningKey.Load(keyPath);
        var result = new ClassifierBootstrap(loggers.CreateLogger<ClassifierBootstrap>())
            .Run(backbone, options, outDir, key, overwrite: force);
        foreach (var m in result.Manifest.Metrics)
            output.WriteLine($"{m.Set}: macro precision {m.MacroPrecision:F3} over {m.Samples} crops");
        output.WriteLine($"wrote {outDir} ({result.Manifest.Name} {result.Manifest.Version}, signed by {key.KeyId})");
        return Task.FromResult(0);
    }
}
