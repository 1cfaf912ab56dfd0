namespace EdgeMlops.Inference.Runtime;

public static class Softmax
{
    /// <summary>Numerically stable softmax (subtracts the maximum first so large logits cannot overflow).</summary>
    public static void InPlace(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        float sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i] = MathF.Exp(values[i] - max);
        for (int i = 0; i < values.Length; i++) values[i] /= sum;
    }
}
