using System.Diagnostics;
using System.Security.Cryptography;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Onnx;
using EdgeMlops.Packaging;
using EdgeMlops.CloudHub.Evaluation;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Synthetic.Video;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Training.Seed;

/// <summary>What the seed classifier is trained and measured on.</summary>
public sealed record SeedBootstrapOptions
{
    public int Seed { get; init; } = 7;
    public int TrainPerClass { get; init; } = 600;
    public int EvaluationPerClass { get; init; } = 200;
    public int CanaryPerClass { get; init; } = 6;
    public IReadOnlyList<string> TrainingConditions { get; init; } = ["day", "dusk"];
    public IReadOnlyList<string> EvaluationConditions { get; init; } = ["day", "dusk", "night", "rain", "fog"];
    public string Version { get; init; } = "1.0.0";
    public HeadTrainingOptions Head { get; init; } = new();

    /// <summary>
    /// Held-out sets draw from seeds far from the training seed so no crop is shared: the generator derives every
    /// crop from (seed, class, index), and the offsets keep the ranges apart.
    /// </summary>
    public int EvaluationSeed(int conditionIndex) => Seed + 1_000_003 * (conditionIndex + 1);

    public int CanarySeed => Seed + 77_000_001;
}

/// <summary>
/// Builds the bundled seed vehicle classifier: the fixed HOG-like extractor, a maximum-entropy head trained with
/// ML.NET on synthetic day and dusk crops, one ONNX graph ending in Softmax, measured on held-out synthetic sets
/// per condition through the same runtime the edge uses, packaged and signed.
/// </summary>
public sealed class SeedClassifierBootstrap(ILogger logger)
{
    public const string ModelName = "vehicle-classifier";

    public SeedBootstrapResult Run(SeedBootstrapOptions options, string outputDirectory, SigningKey key, bool overwrite)
    {
        var clock = Stopwatch.StartNew();
        var labels = VehicleClasses.Labels;
        var input = InputSpec();
        var format = ImageTensorFormat.From(input);

        logger.LogInformation("Rendering {Count} training crops ({PerClass} per class, conditions {Conditions}, seed {Seed})",
            options.TrainPerClass * labels.Count * options.TrainingConditions.Count, options.TrainPerClass,
            string.Join(",", options.TrainingConditions), options.Seed);
        var training = RenderSet(options.Seed, options.TrainingConditions, options.TrainPerClass);
        try
        {
            // The extractor on its own: its output is the embedding the head is trained on.
            var extractorGraph = new GraphBuilder(ModelName);
            var embedding = HogFeatureExtractor.Add(extractorGraph);
            var extractor = extractorGraph.Output(embedding, HogFeatureExtractor.EmbeddingSize).Build();

            List<float[]> embeddings;
            using (var run = new EmbeddingExtractor(OnnxModelFile.ToBytes(extractor), HogFeatureExtractor.InputName, embedding, format))
                embeddings = run.Extract(training.Crops, new Progress<int>(n => Report("embedding", n, training.Crops.Count)));

            logger.LogInformation("Training the head (maximum entropy, L-BFGS) on {Count} embeddings of {Dim} values",
                embeddings.Count, HogFeatureExtractor.EmbeddingSize);
            var head = new HeadTrainer(options.Head).Train(embeddings, training.Labels, labels.Count);

            var classifier = BuildClassifier(head, out var outputTensor, out var embeddingTensor);
            var modelBytes = OnnxModelFile.ToBytes(classifier);

            var metrics = Evaluate(options, modelBytes, input, outputTensor);
            var canary = WriteCanarySet(options);
            try
            {
                var draft = new ModelManifestDraft
                {
                    Name = ModelName,
                    Version = options.Version,
                    Labels = labels,
                    Input = input,
                    Output = new ModelOutputSpec { TensorName = outputTensor, Kind = OutputKind.Probabilities, EmbeddingTensorName = embeddingTensor },
                    Lineage = new ModelLineage
                    {
                        TrainingDataHash = training.Hash,
                        Trainer = $"seed-bootstrap: fixed HOG-like extractor + ML.NET LbfgsMaximumEntropy head (L2 {options.Head.L2Regularization})",
                        Notes = $"synthetic crops seed {options.Seed}, {options.TrainPerClass} per class per condition, conditions {string.Join(",", options.TrainingConditions)}",
                    },
                    Metrics = metrics,
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                var manifest = ModelPackageWriter.Write(outputDirectory, modelBytes, draft, key, canary, overwrite);
                logger.LogInformation("Wrote {Package} in {Seconds:F1} s", outputDirectory, clock.Elapsed.TotalSeconds);
                return new SeedBootstrapResult(manifest);
            }
            finally
            {
                Directory.Delete(canary, recursive: true);
            }
        }
        finally
        {
            training.Dispose();
        }
    }

    public static ModelInputSpec InputSpec() => new()
    {
        TensorName = HogFeatureExtractor.InputName,
        Width = HogFeatureExtractor.InputSize,
        Height = HogFeatureExtractor.InputSize,
        Channels = 3,
        Layout = TensorLayout.Nchw,
        ColorOrder = ColorOrder.Rgb,
        Scale = 1.0 / 255,
        Mean = [0, 0, 0],
        Std = [1, 1, 1],
    };

    private static ModelProto BuildClassifier(LinearHead head, out string outputTensor, out string embeddingTensor)
    {
        var graph = new GraphBuilder(ModelName);
        embeddingTensor = HogFeatureExtractor.Add(graph);
        var logits = graph.Gemm(embeddingTensor, Flatten(head.Weights), head.Bias, transB: true);
        outputTensor = graph.Softmax(logits, axis: 1, name: "probabilities");
        return graph.Output(outputTensor, head.LabelCount)
            .Build(docString: "EdgeMlops seed vehicle classifier: fixed HOG-like features + linear head.");
    }

    private static float[] Flatten(float[,] weights)
    {
        var flat = new float[weights.Length];
        Buffer.BlockCopy(weights, 0, flat, 0, weights.Length * sizeof(float));
        return flat;
    }

    private List<EvaluationMetrics> Evaluate(SeedBootstrapOptions options, byte[] modelBytes, ModelInputSpec input, string outputTensor)
    {
        var modelPath = Path.Combine(Path.GetTempPath(), $"seed-eval-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(modelPath, modelBytes);
        try
        {
            var evaluator = new SyntheticEvaluator(logger);
            var metrics = new List<EvaluationMetrics>();
            for (int i = 0; i < options.EvaluationConditions.Count; i++)
            {
                var condition = options.EvaluationConditions[i];
                int seed = options.EvaluationSeed(i);
                var result = evaluator.Evaluate(modelPath, SignatureFor(input, outputTensor, modelBytes, options.Version), seed, condition, options.EvaluationPerClass);
                logger.LogInformation("Held-out {Condition} (seed {Seed}, {Samples} crops): macro precision {Precision:F3}, accuracy {Accuracy:F3}",
                    condition, seed, result.Samples, result.MacroPrecision, result.Accuracy);
                metrics.Add(result);
            }
            return metrics;
        }
        finally
        {
            File.Delete(modelPath);
        }
    }

    private static EdgeMlops.Inference.Runtime.ClassifierSignature SignatureFor(ModelInputSpec input, string outputTensor, byte[] modelBytes, string version) =>
        new(ModelName, version, Convert.ToHexStringLower(SHA256.HashData(modelBytes)), VehicleClasses.Labels,
            input.TensorName, ImageTensorFormat.From(input), outputTensor, OutputIsLogits: false);

    private string WriteCanarySet(SeedBootstrapOptions options)
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

public sealed record SeedBootstrapResult(ModelManifest Manifest);
