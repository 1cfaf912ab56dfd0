using System.Buffers.Binary;
using Google.Protobuf;

namespace EdgeMlops.Onnx;

/// <summary>Creates initializer tensors and reads float tensors in any of the encodings ONNX allows.</summary>
public static class OnnxTensor
{
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        RequireMatchingCount(name, values.Length, dims);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values.ToArray());
        return tensor;
    }

    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        RequireMatchingCount(name, values.Length, dims);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values.ToArray());
        return tensor;
    }

    /// <summary>
    /// The values of a FLOAT tensor in row-major order, whether the writer used <c>float_data</c> or
    /// little-endian <c>raw_data</c> (exporters differ: PyTorch writes raw_data, hand-built graphs often float_data).
    /// </summary>
    /// <exception cref="NotSupportedException">The tensor is not FLOAT or its data lives in an external file.</exception>
    /// <exception cref="InvalidDataException">The stored values do not fill the declared dims.</exception>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"Tensor '{tensor.Name}' keeps its data in an external file; load the model with OnnxModelFile.LoadWithExternalData to read it.");
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {(TensorProto.Types.DataType)tensor.DataType}; only FLOAT is supported.");

        var values = tensor.HasRawData ? DecodeLittleEndianFloats(tensor.Name, tensor.RawData) : tensor.FloatData.ToArray();
        RequireMatchingCount(tensor.Name, values.Length, tensor.Dims);
        return values;
    }

    /// <summary>The number of elements a tensor of these dims holds (1 for a scalar).</summary>
    public static long ElementCount(IEnumerable<long> dims) => dims.Aggregate(1L, (count, dim) => count * dim);

    private static float[] DecodeLittleEndianFloats(string tensorName, ByteString raw)
    {
        var bytes = raw.Span;
        if (bytes.Length % sizeof(float) != 0)
            throw new InvalidDataException($"Tensor '{tensorName}' has {bytes.Length} raw bytes, not a whole number of floats.");

        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
        return values;
    }

    private static void RequireMatchingCount(string tensorName, int valueCount, IEnumerable<long> dims)
    {
        var expected = ElementCount(dims);
        if (valueCount != expected)
            throw new InvalidDataException($"Tensor '{tensorName}' has {valueCount} values but its dims [{string.Join(", ", dims)}] need {expected}.");
    }
}
