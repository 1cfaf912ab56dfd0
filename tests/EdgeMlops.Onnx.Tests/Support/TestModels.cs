using System.Buffers.Binary;
using Google.Protobuf;

namespace EdgeMlops.Onnx.Tests.Support;

/// <summary>Small classifiers with seeded random weights, ending in each head form the library must handle.</summary>
internal static class TestModels
{
    public const string InputName = "image";
    public const int Channels = 3;
    public const int ImageSize = 8;
    public const int EmbeddingDimension = 6;
    public const int ClassCount = 5;

    public static long[] InputShape(int batch) => [batch, Channels, ImageSize, ImageSize];

    public static float[] RandomImages(Random random, int batch) =>
        Enumerable.Range(0, batch * Channels * ImageSize * ImageSize).Select(_ => (float)random.NextDouble()).ToArray();

    /// <summary>Conv → Relu → MaxPool → Conv → Relu → GlobalAveragePool → Flatten → Gemm → Softmax.</summary>
    public static ModelProto SmallCnn(int seed = 1) => Build(seed, (b, x, random) =>
        b.Softmax(b.Gemm(x, Numerics.RandomValues(random, ClassCount * EmbeddingDimension), Numerics.RandomValues(random, ClassCount))));

    /// <summary>The head forms covered by the head tests, by name.</summary>
    public static ModelProto WithHead(string head) => head switch
    {
        "gemm" => SmallCnn(),
        "gemm without softmax" => Build(2, (b, x, random) =>
            b.Gemm(x, Numerics.RandomValues(random, ClassCount * EmbeddingDimension), Numerics.RandomValues(random, ClassCount))),
        "gemm transB=0 alpha beta" => Build(3, (b, x, random) =>
            b.Softmax(b.Gemm(x, Numerics.RandomValues(random, ClassCount * EmbeddingDimension), Numerics.RandomValues(random, ClassCount),
                transB: false, alpha: 0.5f, beta: 2f))),
        "gemm without bias" => Build(4, (b, x, random) =>
            b.Softmax(b.Node("Gemm", [x, b.Initializer("fc.weight", Numerics.RandomValues(random, ClassCount * EmbeddingDimension), [ClassCount, EmbeddingDimension])],
                OnnxAttribute.Int("transB", 1)))),
        "gemm scalar bias" => Build(5, (b, x, random) =>
            b.Softmax(b.Node("Gemm", [x,
                    b.Initializer("fc.weight", Numerics.RandomValues(random, ClassCount * EmbeddingDimension), [ClassCount, EmbeddingDimension]),
                    b.Initializer("fc.bias", [0.25f], [1])],
                OnnxAttribute.Int("transB", 1)))),
        "matmul add" => Build(6, (b, x, random) => b.Softmax(b.Add(MatMulByWeights(b, x, random), Bias(b, random)))),
        "bias add matmul" => Build(7, (b, x, random) =>
        {
            var product = MatMulByWeights(b, x, random);
            return b.Softmax(b.Add(Bias(b, random), product));
        }),
        "gemm raw_data" => StoreWeightsAsRawData(SmallCnn(8)),
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, null),
    };

    public static TheoryData<string> HeadForms =>
    [
        "gemm", "gemm without softmax", "gemm transB=0 alpha beta", "gemm without bias", "gemm scalar bias",
        "matmul add", "bias add matmul", "gemm raw_data",
    ];

    /// <summary>
    /// Re-encodes every float initializer as little-endian raw_data, the way PyTorch exports weights.
    /// </summary>
    public static ModelProto StoreWeightsAsRawData(ModelProto model)
    {
        var result = model.Clone();
        foreach (var tensor in result.Graph.Initializer.Where(t => t.FloatData.Count > 0))
        {
            var bytes = new byte[tensor.FloatData.Count * sizeof(float)];
            for (var i = 0; i < tensor.FloatData.Count; i++)
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), tensor.FloatData[i]);
            tensor.FloatData.Clear();
            tensor.RawData = ByteString.CopyFrom(bytes);
        }
        return result;
    }

    /// <summary>Declares an intermediate tensor a graph output so ONNX Runtime returns it.</summary>
    public static ModelProto WithExtraOutput(ModelProto model, string tensor)
    {
        var result = model.Clone();
        if (result.Graph.Output.All(o => o.Name != tensor))
            result.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        return result;
    }

    private static ModelProto Build(int seed, Func<GraphBuilder, string, Random, string> head)
    {
        var random = new Random(seed);
        var b = new GraphBuilder();
        var x = b.Input(InputName, Channels, ImageSize, ImageSize);
        x = b.Relu(b.Conv(x, Numerics.RandomValues(random, 4 * Channels * 9, 0.5f), [4, Channels, 3, 3],
            Numerics.RandomValues(random, 4, 0.1f), pads: [1, 1, 1, 1]));
        x = b.MaxPool(x, [2, 2], strides: [2, 2]);
        x = b.Relu(b.Conv(x, Numerics.RandomValues(random, EmbeddingDimension * 4 * 9, 0.5f), [EmbeddingDimension, 4, 3, 3],
            Numerics.RandomValues(random, EmbeddingDimension, 0.1f), pads: [1, 1, 1, 1]));
        var embedding = b.Flatten(b.GlobalAveragePool(x));
        return b.Output(head(b, embedding, random), ClassCount).Build();
    }

    private static string MatMulByWeights(GraphBuilder b, string x, Random random) =>
        b.MatMul(x, b.Initializer("dense.kernel", Numerics.RandomValues(random, EmbeddingDimension * ClassCount), [EmbeddingDimension, ClassCount]));

    private static string Bias(GraphBuilder b, Random random) =>
        b.Initializer("dense.bias", Numerics.RandomValues(random, ClassCount), [ClassCount]);
}
