namespace EdgeMlops.CloudHub.Training;

/// <summary>A classifier head: logits = Weights · embedding + Bias, with Weights shaped [labels, embedding].</summary>
public sealed record LinearHead(float[,] Weights, float[] Bias)
{
    public int LabelCount => Weights.GetLength(0);
    public int EmbeddingSize => Weights.GetLength(1);

    /// <summary>The weights row-major, [labels, embedding]: the layout of a Gemm with transB = 1.</summary>
    public float[] FlatWeights()
    {
        var flat = new float[Weights.Length];
        Buffer.BlockCopy(Weights, 0, flat, 0, Weights.Length * sizeof(float));
        return flat;
    }
}
