namespace EdgeMlops.CloudHub.Training;

/// <summary>A classifier head: logits = Weights · embedding + Bias, with Weights shaped [labels, embedding].</summary>
public sealed record LinearHead(float[,] Weights, float[] Bias)
{
    public int LabelCount => Weights.GetLength(0);
    public int EmbeddingSize => Weights.GetLength(1);
}
