using EdgeMlops.Onnx;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Training.Backbones;

/// <summary>
/// A second fixed-feature backbone, built to differ from the seed's in every way a box has to cope with: another
/// input size (96 by default), a finer orientation bank and a three-level spatial pyramid joined by Concat, so
/// the embedding (and the head on it) has another width. For a [N,3,S,S] RGB input in [0,1], S a multiple of 16:
/// <list type="number">
/// <item>luminance (1x1 conv, Rec.601), then 12 derivative-of-Gaussian filters (5x5, sigma 1.2), Abs;</item>
/// <item>cells: S/16 x S/16 average pooling -> 12 orientation maps of 16x16;</item>
/// <item>per orientation a 3x3 box and a 3x3 centre-surround (grouped conv), Relu -> 24 maps of 16x16;</item>
/// <item>pyramid: 2x2 pooling (8x8 grid: where edges are), 4x4 pooling (4x4 grid: coarse layout such as a bed
///   lower than its cab) and global pooling (the orientation histogram), flattened and concatenated;</item>
/// <item>Sqrt then L2 normalisation of the 1944-vector (contrast invariance, as the seed).</item>
/// </list>
/// </summary>
public sealed class OrientedPyramidBackbone : IClassifierBackbone
{
    public const int DefaultInputSize = 96;
    public const int Orientations = 12;
    public const string InputName = "pixels";
    public const string EmbeddingName = "pyramid_embedding";
    public const string OutputName = "class_probabilities";

    private const int Cells = 16;
    private const int Maps = 2 * Orientations;
    private const int GradientKernel = 5;
    private const double Sigma = 1.2;

    /// <param name="inputSize">The square crop side, a multiple of 16 from 32 to 512.</param>
    public OrientedPyramidBackbone(int inputSize = DefaultInputSize)
    {
        if (inputSize is < 32 or > 512 || inputSize % Cells != 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The pyramid backbone's input size must be a multiple of 16 from 32 to 512.");
        InputSize = inputSize;
        Input = FixedFilterInput.Spec(InputName, inputSize);
    }

    public int InputSize { get; }

    public string Description => $"fixed oriented-gradient pyramid ({Orientations} orientations, 8x8+4x4+1x1 grid) at {InputSize}x{InputSize}";

    public ModelInputSpec Input { get; }

    public int EmbeddingSize => Maps * (8 * 8 + 4 * 4 + 1);

    public ModelProto Extractor(out string embeddingTensor)
    {
        var graph = new GraphBuilder(ClassifierBootstrap.ModelName);
        embeddingTensor = AddFeatures(graph);
        return graph.Output(embeddingTensor, EmbeddingSize).Build();
    }

    public ModelProto Classifier(LinearHead head, out string outputTensor, out string embeddingTensor)
    {
        var graph = new GraphBuilder(ClassifierBootstrap.ModelName);
        embeddingTensor = AddFeatures(graph);
        outputTensor = head.AddSoftmaxClassifier(graph, embeddingTensor, OutputName);
        return graph.Output(outputTensor, head.LabelCount)
            .Build(docString: $"EdgeMlops vehicle classifier: {Description} + linear head over {head.LabelCount} labels.");
    }

    public IReadOnlyList<string> Write(ModelProto classifier, string modelPath)
    {
        OnnxModelFile.Save(classifier, modelPath);
        return [];
    }

    private string AddFeatures(GraphBuilder graph)
    {
        int cell = InputSize / Cells;
        var image = graph.Input(InputName, 3, InputSize, InputSize);
        var luminance = graph.Conv(image, [0.299f, 0.587f, 0.114f], [1, 3, 1, 1], bias: null);
        var gradients = graph.Conv(luminance, OrientedFilters.DerivativesOfGaussian(Orientations, GradientKernel, Sigma),
            [Orientations, 1, GradientKernel, GradientKernel], bias: null, pads: [2, 2, 2, 2]);
        var cells = graph.AveragePool(graph.Abs(gradients), kernelShape: [cell, cell], strides: [cell, cell]);
        var structure = graph.Relu(graph.Conv(cells, OrientedFilters.BlockAndCentreSurround(Orientations), [Maps, 1, 3, 3],
            bias: null, pads: [1, 1, 1, 1], group: Orientations));
        var fine = graph.Flatten(graph.AveragePool(structure, kernelShape: [2, 2], strides: [2, 2]), axis: 1);
        var coarse = graph.Flatten(graph.AveragePool(structure, kernelShape: [4, 4], strides: [4, 4]), axis: 1);
        var global = graph.Flatten(graph.GlobalAveragePool(structure), axis: 1);
        var pyramid = graph.Concat(1, fine, coarse, global);
        return graph.LpNormalization(graph.Sqrt(pyramid), axis: 1, p: 2, name: EmbeddingName);
    }
}
