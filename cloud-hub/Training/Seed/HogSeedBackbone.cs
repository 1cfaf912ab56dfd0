using EdgeMlops.Onnx;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Training.Seed;

/// <summary>The seed classifier's backbone: <see cref="HogFeatureExtractor"/> on 64x64 RGB crops in [0, 1], one model file.</summary>
public sealed class HogSeedBackbone : IClassifierBackbone
{
    public string Description => "fixed HOG-like extractor";

    public ModelInputSpec Input { get; } = InputSpec();

    public int EmbeddingSize => HogFeatureExtractor.EmbeddingSize;

    public static ModelInputSpec InputSpec() => FixedFilterInput.Spec(HogFeatureExtractor.InputName, HogFeatureExtractor.InputSize);

    public ModelProto Extractor(out string embeddingTensor)
    {
        var graph = new GraphBuilder(ClassifierBootstrap.ModelName);
        embeddingTensor = HogFeatureExtractor.Add(graph);
        return graph.Output(embeddingTensor, HogFeatureExtractor.EmbeddingSize).Build();
    }

    public ModelProto Classifier(LinearHead head, out string outputTensor, out string embeddingTensor)
    {
        var graph = new GraphBuilder(ClassifierBootstrap.ModelName);
        embeddingTensor = HogFeatureExtractor.Add(graph);
        outputTensor = head.AddSoftmaxClassifier(graph, embeddingTensor, "probabilities");
        return graph.Output(outputTensor, head.LabelCount)
            .Build(docString: "EdgeMlops seed vehicle classifier: fixed HOG-like features + linear head.");
    }

    public IReadOnlyList<string> Write(ModelProto classifier, string modelPath)
    {
        OnnxModelFile.Save(classifier, modelPath);
        return [];
    }
}
