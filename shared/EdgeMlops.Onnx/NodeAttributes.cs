namespace EdgeMlops.Onnx;

/// <summary>Reads node attributes, falling back to the operator's documented default when absent.</summary>
internal static class NodeAttributes
{
    public static long IntOr(this NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } attribute ? attribute.I : fallback;

    public static float FloatOr(this NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } attribute ? attribute.F : fallback;

    /// <summary>True for operators of the standard ONNX domain, which may be written as "" or "ai.onnx".</summary>
    public static bool IsStandardOp(this NodeProto node, string opType) =>
        node.OpType == opType && (node.Domain is "" or "ai.onnx");
}
