using System.Diagnostics;
using System.Security.Cryptography;
using EdgeMlops.CloudHub.Evaluation;
using EdgeMlops.CloudHub.Training.Seed;
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
/// held-out synthetic sets per condition through the same runtime the edge uses, packaged and signed.
/// </summary>
public sealed class ClassifierBootstrap(ILogger logger)
{
    public const string ModelName = "vehicle-classifier";

    public SeedBootstrapResult Run(IClassifierBackbone backbone, SeedBootstrapOptions options, string outputDirectory, SigningKey key, bool overwrite)
    {
        var clock = Stopwatch.StartNew();
        var labels = VehicleClasses.Labels;
        var format = ImageTensorFormat.From(backbone.Input);

        logger.LogInformation("Rendering {Count} training crops ({PerClass} per class, conditions {Conditions}, seed {Seed})",
            options.TrainPerClass * labels.Count * options.TrainingConditions.Count, options.TrainPerClass,
            string.Join(",", options.TrainingConditions), options.Seed);
        using var training = RenderSet(options.Seed, options.TrainingConditions, options.TrainPerClass);

        List<float[]> embeddings;
        var extractor = backbone.Extractor(out var embedding);
        using (var run = new EmbeddingExtractor(OnnxModelFile.ToBytes(extractor), backbone.Input.TensorName, embedding, format))
            embeddings = run.Extract(training.Crops, new Progress<int>(n => Report("embedding", n, training.Crops.Count)));

        logger.LogInformation("Training the head (maximum entropy, L-BFGS) on {Count} embeddings of {Dim} values",
            embeddings.Count, backbone.EmbeddingSize);
        var head = new HeadTrainer(options.Head).Train(embeddings, training.Labels, labels.Count);
        var classifier = backbone.Classifier(head, out var outputTensor, out var embeddingTensor);

        var staging = Directory.CreateTempSubdirectory("bootstrap-model-").FullName;
        var canary = WriteCanarySet(options);
        try
        {
            var modelPath = Path.Combine(staging, PackageLayout.ModelFile);
            var dataFiles = backbone.Write(classifier, modelPath);
            var metrics = Evaluate(options, modelPath, backbone.Input, outputTensor);
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
                    Notes = $"synthetic crops seed {options.Seed}, {options.TrainPerClass} per class per condition, conditions {string.Join(",", options.TrainingConditions)}",
                },
                Metrics = metrics,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            var manifest = ModelPackageWriter.Write(outputDirectory, modelPath, draft, key, canary, overwrite, dataFiles);
            logger.LogInformation("Wrote {Package} in {Seconds:F1} s", outputDirectory, clock.Elapsed.TotalSeconds);
            return new SeedBootstrapResult(manifest);
        }
        finally
        {
            Directory.Delete(canary, recursive: true);
            Directory.Delete(staging, recursive: true);
        }
    }

    private List<EvaluationMetrics> Evaluate(SeedBootstrapOptions options, string modelPath, ModelInputSpec input, string outputTensor)
    {
        var evaluator = new SyntheticEvaluator(logger);
        var signature = new ClassifierSignature(ModelName, options.Version, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath))),
            VehicleClasses.Labels, input.TensorName, ImageTensorFormat.From(input), outputTensor, OutputIsLogits: false);
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

    private static string WriteCanarySet(SeedBootstrapOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"seed-canary-{Guid.NewGuid():N}");
        using var generator = new CropGenerator();
        ImageFolderDatasetWriter.WriteSynthetic(directory, generator, options.CanarySeed, [Condition.Parse("day")], options.CanaryPerClass);
        // The package lists every file it holds; the data set's own manifest is not part of the canary set.
        File.Delete(Path.Combine(directory, DatasetManifest.FileName));
        return directory;
    }

    private static TrainingSet RenderSet(int seed, IReadOnlyList<string> conditions, int perClass)
    {
        var crops = new List<Mat>();
        var labels = new List<int>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var generator = new CropGenerator();
        foreach (var crop in generator.Generate(seed, conditions.Select(Condition.Parse).ToList(), perClass))
        {
            crops.Add(crop.Image);
            labels.Add((int)crop.Class);
            hash.AppendData(crop.Image.ToBytes(".png"));
            hash.AppendData(BitConverter.GetBytes((int)crop.Class));
        }
        return new TrainingSet(crops, labels, Convert.ToHexStringLower(hash.GetHashAndReset()));
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
