namespace EdgeMlops.Onnx;

/// <summary>
/// Creates node attributes with their <c>type</c> discriminator set, which ONNX requires since IR version 2
/// and which ONNX Runtime uses to tell an attribute <c>i = 0</c> from a missing one.
/// </summary>
public static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
