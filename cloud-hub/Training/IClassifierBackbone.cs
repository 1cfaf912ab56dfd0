using EdgeMlops.Onnx;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// The fixed part of a classifier that <see cref="ClassifierBootstrap"/> trains a linear head on: what it takes
/// as input, the graph up to the embedding, and how the finished classifier is written.
/// </summary>
public interface IClassifierBackbone
{
    /// <summary>How the lineage names the extractor, e.g. "fixed HOG-like extractor".</summary>
    string Description { get; }

    /// <summary>The input tensor and preprocessing the package manifest declares.</summary>
    ModelInputSpec Input { get; }

    int EmbeddingSize { get; }

    /// <summary>A graph that outputs the embedding, its weights inline (ONNX Runtime runs it from bytes).</summary>
    /// <param name="embeddingTensor">The name of the graph's output.</param>
    ModelProto Extractor(out string embeddingTensor);

    /// <summary>The backbone with <paramref name="head"/> and a Softmax on top.</summary>
    ModelProto Classifier(LinearHead head, out string outputTensor, out string embeddingTensor);

    /// <summary>Writes <paramref name="classifier"/> to <paramref name="modelPath"/>.</summary>
    /// <returns>The files written beside it that the model reads (external data), by name.</returns>
    IReadOnlyList<string> Write(ModelProto classifier, string modelPath);
}
