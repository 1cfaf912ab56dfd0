namespace EdgeMlops.Onnx;

/// <summary>Where a located head lives in the graph: the nodes and initializers a rewrite has to touch.</summary>
/// <param name="FinalLayer">The Gemm, or the Add of a MatMul + Add head; it writes the logits.</param>
/// <param name="MatMul">The MatMul of a MatMul + Add head.</param>
/// <param name="BiasInitializer">Absent for a Gemm without its optional C input.</param>
/// <param name="BiasInputIndex">Which input of <paramref name="FinalLayer"/> is the bias.</param>
internal sealed record HeadMatch(
    ClassifierHeadInfo Info,
    NodeProto FinalLayer,
    NodeProto? MatMul,
    string WeightInitializer,
    string? BiasInitializer,
    int BiasInputIndex);
