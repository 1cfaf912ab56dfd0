using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace EdgeMlops.CloudHub.Training;

/// <summary>Settings for fitting a classification head on embeddings.</summary>
public sealed record HeadTrainingOptions
{
    public float L2Regularization { get; init; } = 0.02f;
    public float L1Regularization { get; init; }
    public int MaximumIterations { get; init; } = 400;
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Fits a multiclass linear head (maximum entropy, L-BFGS, ML.NET) on embeddings, and returns it as plain weights
/// so it can be written into any ONNX graph whose last layer is Gemm or MatMul+Add. Features are standardised
/// for training (L-BFGS converges badly on unscaled features) and the standardisation is folded back into the
/// weights, so the exported head consumes the raw embedding.
/// </summary>
public sealed class HeadTrainer(HeadTrainingOptions options)
{
    private sealed class Row
    {
        public float[] Features = [];
        public float Label;
    }

    public LinearHead Train(IReadOnlyList<float[]> embeddings, IReadOnlyList<int> labels, int labelCount)
    {
        if (embeddings.Count == 0) throw new ArgumentException("No training examples.", nameof(embeddings));
        if (embeddings.Count != labels.Count) throw new ArgumentException("One label per embedding is needed.", nameof(labels));
        int dim = embeddings[0].Length;
        var missing = Enumerable.Range(0, labelCount).Except(labels).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"No training examples for label index(es) {string.Join(", ", missing)}.", nameof(labels));

        var (mean, scale) = Standardisation(embeddings, dim);
        var rows = new Row[embeddings.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var x = embeddings[i];
            if (x.Length != dim) throw new ArgumentException($"Embedding {i} has {x.Length} values, expected {dim}.", nameof(embeddings));
            var z = new float[dim];
            for (int j = 0; j < dim; j++) z[j] = (x[j] - mean[j]) * scale[j];
            rows[i] = new Row { Features = z, Label = labels[i] };
        }

        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dim);
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        // Label indices become keys sorted by value, so class k of the trained model is label index k. (Feeding
        // key-typed values directly is ambiguous about 0- vs 1-based keys and silently permutes classes.)
        var toKey = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
        var trainer = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            L2Regularization = options.L2Regularization,
            L1Regularization = options.L1Regularization,
            MaximumNumberOfIterations = options.MaximumIterations,
            // One thread: L-BFGS over a fixed data order is then bit-for-bit reproducible for a seed.
            NumberOfThreads = 1,
            OptimizationTolerance = 1e-7f,
        });
        var model = toKey.Append(trainer).Fit(data).LastTransformer.Model;

        VBuffer<float>[] weights = [];
        model.GetWeights(ref weights, out int classes);
        var biases = model.GetBiases().ToArray();
        if (classes != labelCount)
            throw new InvalidOperationException($"Trainer produced {classes} classes, expected {labelCount}.");

        // logits = W·((x - mean) * scale) + b  =  (W * scale)·x + (b - Σ W * scale * mean)
        var w = new float[labelCount, dim];
        var b = new float[labelCount];
        for (int c = 0; c < labelCount; c++)
        {
            var dense = weights[c].DenseValues().ToArray();
            double bias = biases[c];
            for (int j = 0; j < dim; j++)
            {
                w[c, j] = dense[j] * scale[j];
                bias -= (double)w[c, j] * mean[j];
            }
            b[c] = (float)bias;
        }
        return new LinearHead(w, b);
    }

    private static (float[] Mean, float[] Scale) Standardisation(IReadOnlyList<float[]> xs, int dim)
    {
        var sum = new double[dim];
        var sq = new double[dim];
        foreach (var x in xs)
            for (int j = 0; j < dim; j++) { sum[j] += x[j]; sq[j] += (double)x[j] * x[j]; }
        var mean = new float[dim];
        var scale = new float[dim];
        for (int j = 0; j < dim; j++)
        {
            double m = sum[j] / xs.Count;
            double variance = Math.Max(0, sq[j] / xs.Count - m * m);
            mean[j] = (float)m;
            // A constant feature carries no information; scale 0 keeps it out of the head entirely.
            scale[j] = variance < 1e-12 ? 0f : (float)(1 / Math.Sqrt(variance));
        }
        return (mean, scale);
    }
}
