namespace EdgeMlops.Packaging;

/// <summary>The model's classification output.</summary>
public sealed record ModelOutputSpec
{
    /// <summary>Name of the class-score tensor in the ONNX graph; one score per label.</summary>
    public required string TensorName { get; init; }

    /// <summary>Whether the scores are already probabilities or still need a softmax.</summary>
    public required OutputKind Kind { get; init; }

    /// <summary>Name of a tensor holding the penultimate-layer embedding, when the graph exposes one.</summary>
    public string? EmbeddingTensorName { get; init; }
}
