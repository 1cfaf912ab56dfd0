using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using EdgeMlops.CloudHub.Evaluation;
using EdgeMlops.CloudHub.Training.Seed;
using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Onnx;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Vehicles;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// The recipe behind a bundled vehicle classifier, for any backbone: a maximum-entropy head trained with ML.NET
/// on the backbone's embeddings of synthetic day and dusk crops, one ONNX graph ending in Softmax, measured on
/// held-out synthetic sets per condition through the same runtime the edge uses, packaged and signed. The package
/// carries what the box needs to watch the model (<see cref="ModelMonitoring"/>): a temperature fitted on held-out
/// crops, the certainty threshold, and the distributions the model shows on a synthetic day road.
/// </summary>
public sealed class ClassifierBootstrap(ILogger logger)
{
    public const string ModelName = "vehicle-classifier";

    public SeedBootstrapResult Run(IClassifierBackbone backbone, SeedBootstrapOptions options, string outputDirectory, SigningKey key, bool overwrite)
    {
        var clock = Stopwatch.StartNew();
        var labels = options.Labels;
        var crops = CropOptions(labels);
        var format = ImageTensorFormat.From(backbone.Input);

        logger.LogInformation("Rendering {Count} training crops ({PerClass} per class of {Labels}, conditions {Conditions}, seed {Seed})",
            options.TrainPerClass * labels.Count * options.TrainingConditions.Count, options.TrainPerClass, string.Join(",", labels),
            string.Join(",", options.TrainingConditions), options.Seed);
        using var training = RenderSet(crops, options.Seed, options.TrainingConditions, options.TrainPerClass);

        List<float[]> embeddings, calibrationEmbeddings;
        using var calibration = RenderSet(crops, options.CalibrationSeed, options.TrainingConditions, options.CalibrationPerClass);
        var extractor = backbone.Extractor(out var embedding);
        using (var run = new EmbeddingExtractor(OnnxModelFile.ToBytes(extractor), backbone.Input.TensorName, embedding, format))
        {
            embeddings = run.Extract(training.Crops, new Progress<int>(n => Report("embedding", n, training.Crops.Count)));
            calibrationEmbeddings = run.Extract(calibration.Crops);
        }

        logger.LogInformation("Training the head (maximum entropy, L-BFGS) on {Count} embeddings of {Dim} values",
            embeddings.Count, backbone.EmbeddingSize);
        var head = new HeadTrainer(options.Head).Train(embeddings, training.Labels, labels.Count);
        if (options.ScrambleHead)
        {
            logger.LogWarning("Scrambling the head (every class scores as the next label): this package is built to fail its canary gate");
            head = head.ScrambledByOneLabel();
        }
        double temperature = FitTemperature(head, calibrationEmbeddings, calibration.Labels);
        var classifier = backbone.Classifier(head, out var outputTensor, out var embeddingTensor);

        var staging = Directory.CreateTempSubdirectory("bootstrap-model-").FullName;
        var canary = WriteCanarySet(crops, options);
        try
        {
            var modelPath = Path.Combine(staging, PackageLayout.ModelFile);
            var dataFiles = backbone.Write(classifier, modelPath);
            var metrics = Evaluate(options, modelPath, backbone.Input, outputTensor);
            var reference = MeasureReference(options, modelPath, backbone.Input, outputTensor, temperature);
            var draft = new ModelManifestDraft
            {
                Name = ModelName,
                Version = options.Version,
                Labels = labels,
                Input = backbone.Input,
                Output = new ModelOutputSpec { TensorName = outputTensor, Kind = OutputKind.Probabilities, EmbeddingTensorName = embeddingTensor },
                Lineage = new ModelLineage
                {
                    TrainingDataHash = training.Hash,
                    Trainer = $"seed-bootstrap: {backbone.Description} + ML.NET LbfgsMaximumEntropy head (L2 {options.Head.L2Regularization})",
                    Notes = $"synthetic crops seed {options.Seed}, {options.TrainPerClass} per class per condition, conditions {string.Join(",", options.TrainingConditions)}"
                        + (options.ScrambleHead ? "; HEAD DELIBERATELY SCRAMBLED: a test package that must fail its canary gate" : ""),
                },
                Metrics = metrics,
                Gate = options.Gate,
                Monitoring = new ModelMonitoring { Temperature = temperature, CertaintyThreshold = options.CertaintyThreshold, Reference = reference },
                CreatedAt = DateTimeOffset.UtcNow,
            };
            var manifest = ModelPackageWriter.Write(outputDirectory, modelPath, draft, key, canary, overwrite, dataFiles);
            var outcome = CheckCanary(outputDirectory, key);
            logger.LogInformation("Wrote {Package} in {Seconds:F1} s", outputDirectory, clock.Elapsed.TotalSeconds);
            return new SeedBootstrapResult(manifest, outcome);
        }
        finally
        {
            Directory.Delete(canary, recursive: true);
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The temperature that calibrates the head on held-out crops (see <see cref="TemperatureFit"/>).</summary>
    private double FitTemperature(LinearHead head, IReadOnlyList<float[]> embeddings, IReadOnlyList<int> labels)
    {
        var logits = embeddings.Select(head.Logits).ToList();
        double temperature = TemperatureFit.Fit(logits, labels);
        logger.LogInformation("Calibration on {Count} held-out crops: temperature {Temperature:F3}, NLL {Before:F4} -> {After:F4}",
            logits.Count, temperature, TemperatureFit.NegativeLogLikelihood(logits, labels, 1), TemperatureFit.NegativeLogLikelihood(logits, labels, temperature));
        return Math.Round(temperature, 4);
    }

    private ReferenceDistributions MeasureReference(SeedBootstrapOptions options, string modelPath, ModelInputSpec input, string outputTensor, double temperature)
    {
        using var session = ClassifierSession.Create(modelPath, Signature(options, modelPath, input, outputTensor),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = 32 }, logger);
        var reference = ReferenceScene.Measure(session, temperature, options.ReferenceSeed, TimeSpan.FromSeconds(options.ReferenceSeconds));
        logger.LogInformation("Reference on {Seconds} s of synthetic day road (seed {Seed}): class mix {Mix}, mean brightness {Brightness:F1}, contrast {Contrast:F1}, box area {Area:P2}",
            options.ReferenceSeconds, options.ReferenceSeed, string.Join(" ", reference.ClassMix.Select(m => $"{m.Key}={m.Value:F2}")),
            reference.MeanBrightness, reference.MeanContrast, reference.MeanBoxArea);
        return reference;
    }

    private static ClassifierSignature Signature(SeedBootstrapOptions options, string modelPath, ModelInputSpec input, string outputTensor) =>
        new(ModelName, options.Version, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath))),
            options.Labels, input.TensorName, ImageTensorFormat.From(input), outputTensor, OutputIsLogits: false);

    private List<EvaluationMetrics> Evaluate(SeedBootstrapOptions options, string modelPath, ModelInputSpec input, string outputTensor)
    {
        var evaluator = new SyntheticEvaluator(logger);
        var signature = Signature(options, modelPath, input, outputTensor);
        var metrics = new List<EvaluationMetrics>();
        for (int i = 0; i < options.EvaluationConditions.Count; i++)
        {
            var condition = options.EvaluationConditions[i];
            int seed = options.EvaluationSeed(i);
            var result = evaluator.Evaluate(modelPath, signature, seed, condition, options.EvaluationPerClass);
            logger.LogInformation("Held-out {Condition} (seed {Seed}, {Samples} crops): macro precision {Precision:F3}, accuracy {Accuracy:F3}",
                condition, seed, result.Samples, result.MacroPrecision, result.Accuracy);
            metrics.Add(result);
        }
        return metrics;
    }

    /// <summary>
    /// Runs the written package's canary set against its gate, as the registry and every box will: a package that
    /// cannot pass is reported here rather than at its first rollout.
    /// </summary>
    private CanaryOutcome CheckCanary(string packageDirectory, SigningKey key)
    {
        var trusted = new TrustedKeys();
        trusted.Add(key.ExportPublicKeyPem(), key.KeyId);
        var package = ModelPackageVerifier.Verify(packageDirectory, trusted);
        using var session = ClassifierSession.Create(package.ModelPath, ClassifierSignature.FromPackage(package),
            new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = 32 }, logger);
        var outcome = CanarySetCheck.Run(package, session);
        if (outcome.Passed)
            logger.LogInformation("Canary set: macro precision {Precision:F3} on {Samples} images, gate {Gate}: passes",
                outcome.Metrics.MacroPrecision, outcome.Metrics.Samples, package.Manifest.Gate?.MinMacroPrecision.ToString("0.###", CultureInfo.InvariantCulture) ?? "none");
        else
            logger.LogWarning("Canary set fails its gate: {Problem}", outcome.Problem);
        return outcome;
    }

    private static CropGeneratorOptions CropOptions(IReadOnlyList<string> labels)
    {
        if (labels.Count < 2)
            throw new ArgumentException($"A classifier needs at least two labels; got [{string.Join(", ", labels)}].", nameof(labels));
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            throw new ArgumentException($"Labels [{string.Join(", ", labels)}] repeat a label.", nameof(labels));
        try { return CropGeneratorOptions.ForLabels(labels); }
        catch (FormatException ex) { throw new ArgumentException($"Labels: {ex.Message}", nameof(labels), ex); }
    }

    private static string WriteCanarySet(CropGeneratorOptions crops, SeedBootstrapOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"seed-canary-{Guid.NewGuid():N}");
        using var generator = new CropGenerator(crops);
        ImageFolderDatasetWriter.WriteSynthetic(directory, generator, options.CanarySeed, [Condition.Parse("day")], options.CanaryPerClass);
        // The package lists every file it holds; the data set's own manifest is not part of the canary set.
        File.Delete(Path.Combine(directory, DatasetManifest.FileName));
        return directory;
    }

    private TrainingSet RenderSet(CropGeneratorOptions options, int seed, IReadOnlyList<string> conditions, int perClass)
    {
        var crops = new List<Mat>();
        var labels = new List<int>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var generator = new CropGenerator(options);
        int total = perClass * conditions.Count * options.Classes.Count;
        foreach (var crop in generator.Generate(seed, conditions.Select(Condition.Parse).ToList(), perClass))
        {
            int labelIndex = IndexOf(options.Classes, crop.Class);
            crops.Add(crop.Image);
            labels.Add(labelIndex);
            hash.AppendData(crop.Image.ToBytes(".png"));
            hash.AppendData(BitConverter.GetBytes(labelIndex));
            Report("rendering", crops.Count, total);
        }
        return new TrainingSet(crops, labels, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static int IndexOf(IReadOnlyList<VehicleClass> classes, VehicleClass vehicleClass)
    {
        for (int i = 0; i < classes.Count; i++)
            if (classes[i] == vehicleClass) return i;
        throw new InvalidOperationException($"The generator rendered {vehicleClass}, which is not among the model's labels.");
    }

    private void Report(string stage, int done, int total)
    {
        if (done == total || done % 1024 == 0)
            logger.LogInformation("{Stage}: {Done}/{Total}", stage, done, total);
    }

    private sealed record TrainingSet(List<Mat> Crops, List<int> Labels, string Hash) : IDisposable
    {
        public void Dispose() => Crops.ForEach(c => c.Dispose());
    }
}
