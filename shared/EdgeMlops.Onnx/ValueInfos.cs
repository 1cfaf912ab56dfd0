namespace EdgeMlops.Onnx;

/// <summary>Builds the ValueInfo (name, element type, shape) that declares a graph input or output.</summary>
internal static class ValueInfos
{
    public static ValueInfoProto FloatTensor(string name, IEnumerable<TensorShapeProto.Types.Dimension> dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public static TensorShapeProto.Types.Dimension Fixed(long size) => new() { DimValue = size };

    public static TensorShapeProto.Types.Dimension Symbolic(string name) => new() { DimParam = name };
}
