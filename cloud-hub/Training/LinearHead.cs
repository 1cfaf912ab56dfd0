using EdgeMlops.Onnx;

namespace EdgeMlops.CloudHub.Training;

/// <summary>A classifier head: logits = Weights · embedding + Bias, with Weights shaped [labels, embedding].</summary>
public sealed record LinearHead(float[,] Weights, float[] Bias)
{
    public int LabelCount => Weights.GetLength(0);
    public int EmbeddingSize => Weights.GetLength(1);

    /// <summary>Weights · <paramref name="embedding"/> + Bias: the scores the exported graph feeds its Softmax.</summary>
    public double[] Logits(IReadOnlyList<float> embedding)
    {
        if (embedding.Count != EmbeddingSize)
            throw new ArgumentException($"Embedding has {embedding.Count} values, the head takes {EmbeddingSize}.", nameof(embedding));
        var logits = new double[LabelCount];
        for (int c = 0; c < logits.Length; c++)
        {
            double sum = Bias[c];
            for (int j = 0; j < embedding.Count; j++) sum += (double)Weights[c, j] * embedding[j];
            logits[c] = sum;
        }
        return logits;
    }

    /// <summary>The weights row-major, [labels, embedding]: the layout of a Gemm with transB = 1.</summary>
    public float[] FlatWeights()
    {
        var flat = new float[Weights.Length];
        Buffer.BlockCopy(Weights, 0, flat, 0, Weights.Length * sizeof(float));
        return flat;
    }

    /// <summary>Adds Gemm(<paramref name="embedding"/>) then Softmax named <paramref name="outputName"/>; returns the output's name.</summary>
    public string AddSoftmaxClassifier(GraphBuilder graph, string embedding, string outputName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var logits = graph.Gemm(embedding, FlatWeights(), Bias, transB: true);
        return graph.Softmax(logits, axis: 1, name: outputName);
    }

    /// <summary>
    /// This head with its rows rotated by one label, so every class scores as the next one: a deliberately broken
    /// model (confident and wrong) for tests that need a package whose canary set fails its gate.
    /// </summary>
    public LinearHead ScrambledByOneLabel()
    {
        int labels = LabelCount, dim = EmbeddingSize;
        var weights = new float[labels, dim];
        var bias = new float[labels];
        for (int c = 0; c < labels; c++)
        {
            int from = (c + 1) % labels;
            for (int j = 0; j < dim; j++) weights[c, j] = Weights[from, j];
            bias[c] = Bias[from];
        }
        return new LinearHead(weights, bias);
    }
}
