using System.Globalization;
using EdgeMlops.CloudHub.Training;
using EdgeMlops.CloudHub.Training.Backbones;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Onnx.Backbones;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Vehicles;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>model bootstrap --out DIR [--backbone hog|pyramid|resnet18] [--labels L1,L2,..] [--gate P] [--certainty-threshold P|none] [--scramble-head]</c>:
/// builds and signs a vehicle classifier package, the seed (HOG, five labels) by default. The pyramid backbone with
/// <c>--labels car,van,truck,bus,motorcycle,pickup</c> is the second, different model a fleet rolls out.
/// </summary>
public sealed class ModelBootstrapCommand(ILoggerFactory loggers) : ICliCommand
{
    private const int DefaultResNetInputSize = 112;

    public string Name => "model bootstrap";
    public string Usage => "--out DIR [--backbone hog|pyramid|resnet18] [--labels car,van,truck,bus,motorcycle[,pickup]] [--input-size N] [--gate P] [--certainty-threshold P|none] [--scramble-head] [--resnet18-onnx FILE] [--seed N] [--per-class N] [--eval-per-class N] [--version V] [--key PEM] [--force]";
    public string Summary => "Train a vehicle classifier head (seed HOG features, a 96x96 oriented-gradient pyramid, or ImageNet ResNet-18 from its NuGet package) on synthetic crops, measure it per condition, calibrate it (temperature on held-out crops) and measure its reference distributions on a synthetic day road, package it with a canary set (and gate) and sign it.";

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
            Labels = Labels(arguments.Optional("labels")) ?? defaults.Labels,
            Gate = Gate(arguments.Optional("gate")),
            CertaintyThreshold = CertaintyThreshold(arguments.Optional("certainty-threshold"), defaults.CertaintyThreshold),
            ScrambleHead = arguments.Flag("scramble-head"),
        };
        var backboneName = arguments.Optional("backbone") ?? "hog";
        var inputSizeText = arguments.Optional("input-size");
        var resnetOnnx = arguments.Optional("resnet18-onnx") ?? ResNet18Backbone.PackagedModelPath();
        var keyPath = arguments.Optional("key") ?? Path.Combine(TrustOption.DefaultDirectory, "dev-signing.key.pem");
        bool force = arguments.Flag("force");
        arguments.RejectUnknown();
        if (!File.Exists(keyPath))
            throw new UsageException($"Signing key '{keyPath}' does not exist (give --key PEM, a PKCS#8 ECDSA P-256 private key).");

        IClassifierBackbone backbone = backboneName switch
        {
            "hog" when inputSizeText is not null && inputSizeText != "64" => throw new UsageException(
                $"--input-size {inputSizeText}: the hog backbone takes 64x64 only; use --backbone pyramid (multiples of 16) or resnet18 for other sizes."),
            "hog" => new HogSeedBackbone(),
            "pyramid" => Pyramid(InputSize(inputSizeText, OrientedPyramidBackbone.DefaultInputSize)),
            "resnet18" when !File.Exists(resnetOnnx) => throw new UsageException(
                $"'{resnetOnnx}' does not exist: restore the NuGet package {ResNet18Backbone.PackageId} {ResNet18Backbone.PackageVersion} " +
                "(dotnet restore tests/EdgeMlops.Onnx.Tests downloads it) or give --resnet18-onnx FILE."),
            "resnet18" => new ResNet18ClassifierBackbone(resnetOnnx, InputSize(inputSizeText, DefaultResNetInputSize)),
            _ => throw new UsageException($"Unknown --backbone '{backboneName}'; use hog, pyramid or resnet18."),
        };

        using var key = SigningKey.Load(keyPath);
        var result = new ClassifierBootstrap(loggers.CreateLogger<ClassifierBootstrap>())
            .Run(backbone, options, outDir, key, overwrite: force);
        foreach (var m in result.Manifest.Metrics)
            output.WriteLine($"{m.Set}: macro precision {m.MacroPrecision:F3} over {m.Samples} crops");
        var canary = result.Canary;
        output.WriteLine(canary.Passed
            ? $"canary: macro precision {canary.Metrics.MacroPrecision:F3} over {canary.Metrics.Samples} images, gate {(result.Manifest.Gate is { } g ? g.MinMacroPrecision.ToString("0.###", CultureInfo.InvariantCulture) : "none")}: passes"
            : $"canary: FAILS its gate, so the registry and every box will refuse this package: {canary.Problem}");
        if (result.Manifest.Monitoring is { } monitoring)
            output.WriteLine($"monitoring: temperature {monitoring.Temperature.ToString("0.###", CultureInfo.InvariantCulture)}, certainty threshold {monitoring.CertaintyThreshold?.ToString("0.###", CultureInfo.InvariantCulture) ?? "none"}, reference from {options.ReferenceSeconds} s of synthetic day road");
        output.WriteLine($"wrote {outDir} ({result.Manifest.Name} {result.Manifest.Version}, {result.Manifest.Labels.Count} labels, {backbone.Input.Width}x{backbone.Input.Height}, signed by {key.KeyId})");
        return Task.FromResult(0);
    }

    private static IReadOnlyList<string>? Labels(string? text)
    {
        if (text is null) return null;
        var labels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var label in labels)
            if (!VehicleClasses.TryParse(label, out var c) || c.ToLabel() != label)
                throw new UsageException($"--labels: '{label}' is not a synthetic vehicle class; known: {string.Join(",", VehicleClasses.KnownLabels)}.");
        if (labels.Length < 2 || labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
            throw new UsageException($"--labels '{text}': give at least two different labels.");
        return labels;
    }

    private static CanaryGate? Gate(string? text) =>
        text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1
            ? new CanaryGate { MinMacroPrecision = p }
            : throw new UsageException($"--gate '{text}': give the canary macro precision the model must reach, from 0 to 1 (e.g. 0.8).");

    private static double? CertaintyThreshold(string? text, double? fallback) =>
        text is null ? fallback
        : text == "none" ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1
            ? p
            : throw new UsageException($"--certainty-threshold '{text}': give the calibrated confidence under which a box marks a vehicle needs-review, from 0 to 1 (default 0.5), or none.");

    private static int InputSize(string? text, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 32 and <= 1024
            ? n
            : throw new UsageException($"--input-size '{text}': give a whole number from 32 to 1024.");

    private static OrientedPyramidBackbone Pyramid(int inputSize) =>
        inputSize % 16 == 0 && inputSize <= 512
            ? new OrientedPyramidBackbone(inputSize)
            : throw new UsageException($"--input-size {inputSize}: the pyramid backbone takes multiples of 16 up to 512 (96 by default).");
}
