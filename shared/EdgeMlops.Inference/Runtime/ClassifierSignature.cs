using EdgeMlops.Inference.Preprocessing;

namespace EdgeMlops.Inference.Runtime;

/// <summary>What a session needs to know about a classifier beyond its graph: tensors, labels and input layout.</summary>
public sealed record ClassifierSignature(
    string ModelName,
    string ModelVersion,
    string ModelSha256,
    IReadOnlyList<string> Labels,
    string InputTensor,
    TensorLayout Layout,
    string OutputTensor,
    bool OutputIsLogits);
