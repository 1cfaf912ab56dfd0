namespace EdgeMlops.Onnx;

/// <summary>
/// The final layer of a classifier, normalised to logits = Weights · embedding + Bias whatever the graph's own
/// form (Gemm with transposes and alpha/beta, or MatMul + Add), so a new head can be trained on embeddings
/// without knowing how the original was exported.
/// </summary>
/// <param name="Layer">How the graph expresses the layer.</param>
/// <param name="EmbeddingTensor">The tensor the final layer reads: the features retraining learns from.</param>
/// <param name="LogitsTensor">The tensor the final layer writes.</param>
/// <param name="OutputName">The graph output that carries the result: the Softmax output, or the logits.</param>
/// <param name="HasSoftmax">Whether a Softmax turns the logits into the graph output.</param>
/// <param name="Weights">[classes, embeddingDimension].</param>
/// <param name="Bias">[classes].</param>
public sealed record ClassifierHeadInfo(
    HeadLayerKind Layer,
    string EmbeddingTensor,
    string LogitsTensor,
    string OutputName,
    bool HasSoftmax,
    float[,] Weights,
    float[] Bias)
{
    public int ClassCount => Weights.GetLength(0);

    public int EmbeddingDimension => Weights.GetLength(1);

    /// <summary>The logits this layer produces for one embedding.</summary>
    public float[] ComputeLogits(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != EmbeddingDimension)
            throw new ArgumentException($"Expected an embedding of {EmbeddingDimension} values, got {embedding.Length}.", nameof(embedding));

        var logits = new float[ClassCount];
        for (var c = 0; c < ClassCount; c++)
        {
            var sum = (double)Bias[c];
            for (var d = 0; d < EmbeddingDimension; d++)
                sum += (double)Weights[c, d] * embedding[d];
            logits[c] = (float)sum;
        }
        return logits;
    }
}
