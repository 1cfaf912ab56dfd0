namespace EdgeMlops.Onnx;

/// <summary>
/// Reads and replaces the final layer of an ONNX image classifier, whoever exported it. Retraining uses this
/// to fine-tune only the head: expose the embedding, run the current model over labelled examples, fit new
/// weights (for any number of classes) on the embeddings, and write them back.
/// </summary>
/// <remarks>
/// Supported heads: a graph output computed by Gemm (transA=0, any transB/alpha/beta) or by MatMul + Add
/// (bias on either side), optionally followed by a Softmax that produces the output, with weights and bias
/// held as FLOAT initializers. Every method leaves its input model untouched.
/// </remarks>
public static class ClassifierHead
{
    /// <exception cref="OnnxHeadNotFoundException">The graph does not end in a supported head.</exception>
    /// <exception cref="NotSupportedException">The head's weights are not FLOAT or live in an external data file.</exception>
    public static ClassifierHeadInfo Find(ModelProto model) => HeadLocator.Locate(RequireGraph(model)).Info;

    /// <summary>
    /// A copy of the model that also outputs the embedding as float [N, dimension] under
    /// <paramref name="outputName"/>, keeping the original outputs. Returns an equivalent copy if already exposed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="outputName"/> already names another tensor.</exception>
    public static ModelProto ExposeEmbedding(ModelProto model, string outputName = "embedding") =>
        EmbeddingExposer.Expose(model, outputName);

    /// <summary>
    /// A copy of the model whose head computes logits = <paramref name="weights"/> · embedding + <paramref name="bias"/>.
    /// The class count may change; output names stay the same and the output shapes follow the new count.
    /// Initializers the head shares with other nodes are left intact and the head gets its own.
    /// </summary>
    /// <param name="weights">[classes, embeddingDimension].</param>
    /// <param name="bias">[classes].</param>
    public static ModelProto ReplaceHead(ModelProto model, float[,] weights, float[] bias) =>
        HeadReplacer.Replace(model, weights, bias);

    /// <summary>
    /// A copy of <paramref name="featureExtractor"/>, whose only output is an embedding [N, dimension], with a head
    /// on top: Gemm (logits = <paramref name="weights"/> · embedding + <paramref name="bias"/>) then Softmax, the
    /// probabilities [N, classes] becoming the only output under <paramref name="outputName"/>. The embedding
    /// keeps its name, so <see cref="Find"/> and <see cref="ReplaceHead"/> work on the result.
    /// </summary>
    /// <param name="weights">[classes, embeddingDimension].</param>
    /// <param name="bias">[classes].</param>
    public static ModelProto Attach(ModelProto featureExtractor, float[,] weights, float[] bias, string outputName = "probabilities") =>
        HeadAttacher.Attach(featureExtractor, weights, bias, outputName);

    internal static GraphProto RequireGraph(ModelProto model) =>
        model.Graph ?? throw new OnnxHeadNotFoundException("The model has no graph.");
}
