using EdgeMlops.Onnx;
using EdgeMlops.Onnx.Backbones;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Training.Backbones;

/// <summary>
/// ImageNet ResNet-18 (<see cref="ResNet18Backbone"/>, rebuilt from the restored NuGet package) as the backbone of
/// a vehicle classifier. Its weights go to their own file beside the model, the same bytes for every head, so a
/// retrained head ships kilobytes. It runs at any square input size; 224 is the size it was trained at, smaller
/// ones cost quadratically less (on CPU it is 60-200x the HOG seed: it is meant for GPU boxes).
/// </summary>
public sealed class ResNet18ClassifierBackbone : IClassifierBackbone
{
    private readonly ModelProto backbone;

    /// <param name="packagedModelPath">The package's ResNet18.onnx (<see cref="ResNet18Backbone.PackagedModelPath"/>).</param>
    /// <param name="inputSize">The square crop size the classifier takes.</param>
    public ResNet18ClassifierBackbone(string packagedModelPath, int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 32);
        backbone = ResNet18Backbone.Build(packagedModelPath);
        Input = new ModelInputSpec
        {
            TensorName = ResNet18Backbone.InputName,
            Width = inputSize,
            Height = inputSize,
            Channels = 3,
            Layout = TensorLayout.Nchw,
            ColorOrder = ColorOrder.Bgr,
            Scale = 1,
            Mean = [.. ResNet18Backbone.BgrMeans],
            Std = [1, 1, 1],
        };
    }

    public string Description => $"ImageNet ResNet-18 ({ResNet18Backbone.PackageId} {ResNet18Backbone.PackageVersion}) at {Input.Width}x{Input.Height}";

    public ModelInputSpec Input { get; }

    public int EmbeddingSize => ResNet18Backbone.EmbeddingSize;

    public ModelProto Extractor(out string embeddingTensor)
    {
        embeddingTensor = ResNet18Backbone.EmbeddingName;
        return backbone;
    }

    public ModelProto Classifier(LinearHead head, out string outputTensor, out string embeddingTensor)
    {
        var classifier = ClassifierHead.Attach(backbone, head.Weights, head.Bias);
        classifier.DocString = $"EdgeMlops vehicle classifier: {Description} + linear head.";
        outputTensor = classifier.Graph.Output[0].Name;
        embeddingTensor = ResNet18Backbone.EmbeddingName;
        return classifier;
    }

    public IReadOnlyList<string> Write(ModelProto classifier, string modelPath)
    {
        ResNet18Backbone.WriteWithWeightsApart(classifier, backbone, modelPath);
        return [ResNet18Backbone.WeightsFileName];
    }
}
