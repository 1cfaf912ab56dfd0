namespace EdgeMlops.Onnx.Tests.Support;

/// <summary>Reference arithmetic written independently of the code under test, and seeded random data.</summary>
internal static class Numerics
{
    public static float[] RandomValues(Random random, int count, float scale = 1f) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

    public static float[,] RandomMatrix(Random random, int rows, int columns, float scale = 1f)
    {
        var matrix = new float[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                matrix[r, c] = (float)(random.NextDouble() * 2 - 1) * scale;
        return matrix;
    }

    /// <summary>weights [classes, dim] · embedding + bias.</summary>
    public static float[] Logits(float[,] weights, float[] bias, float[] embedding)
    {
        Assert.Equal(weights.GetLength(1), embedding.Length);
        return Enumerable.Range(0, bias.Length)
            .Select(c => bias[c] + Enumerable.Range(0, embedding.Length).Sum(d => weights[c, d] * embedding[d]))
            .ToArray();
    }

    public static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var allowed = tolerance * Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= allowed, $"Element {i}: expected {expected[i]}, got {actual[i]}.");
        }
    }
}
