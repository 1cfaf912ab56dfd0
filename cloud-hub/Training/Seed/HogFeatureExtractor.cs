using EdgeMlops.Onnx;

namespace EdgeMlops.CloudHub.Training.Seed;

/// <summary>
/// The seed classifier's feature extractor: fixed, documented filters in ONNX operators, so any runtime that runs
/// the model runs the features and the retraining hook can treat it like any other backbone.
///
/// For a [N,3,64,64] RGB input in [0,1]:
/// <list type="number">
/// <item>luminance: 1x1 conv with Rec.601 weights (colour is a nuisance for vehicle class);</item>
/// <item>oriented gradients: 8 derivative-of-Gaussian filters (5x5, sigma 1) steered to k*22.5 degrees, Abs
///   (unsigned orientation, as HOG);</item>
/// <item>cells: 4x4 average pooling -> 8 orientation maps of 16x16;</item>
/// <item>second stage, per orientation: a 3x3 box (block energy) and a 3x3 centre-surround (local structure such as
///   wheel arches and window pillars), Relu;</item>
/// <item>grid: 2x2 average pooling -> 16 maps of 8x8;</item>
/// <item>Sqrt then L2 normalisation of the 1024-vector: a Hellinger-style map that makes the embedding invariant to
///   global contrast (dusk vs day) the way HOG's block normalisation does.</item>
/// </list>
/// </summary>
public static class HogFeatureExtractor
{
    public const int InputSize = 64;
    public const int Orientations = 8;
    public const int EmbeddingSize = 2 * Orientations * 8 * 8;
    public const string InputName = "image";
    public const string EmbeddingName = "embedding";

    private const double Sigma = 1.0;
    private const int GradientKernel = 5;

    /// <summary>Adds the extractor to <paramref name="graph"/> and returns the name of the [N,1024] embedding tensor.</summary>
    public static string Add(GraphBuilder graph)
    {
        var image = graph.Input(InputName, 3, InputSize, InputSize);
        var luminance = graph.Conv(image, [0.299f, 0.587f, 0.114f], [1, 3, 1, 1], bias: null);
        var gradients = graph.Conv(luminance, OrientedFilters.DerivativesOfGaussian(Orientations, GradientKernel, Sigma), [Orientations, 1, GradientKernel, GradientKernel],
            bias: null, pads: [2, 2, 2, 2]);
        var magnitude = graph.Abs(gradients);
        var cells = graph.AveragePool(magnitude, kernelShape: [4, 4], strides: [4, 4]);
        var structure = graph.Conv(cells, OrientedFilters.BlockAndCentreSurround(Orientations), [2 * Orientations, 1, 3, 3],
            bias: null, pads: [1, 1, 1, 1], group: Orientations);
        var rectified = graph.Relu(structure);
        var grid = graph.AveragePool(rectified, kernelShape: [2, 2], strides: [2, 2]);
        var flat = graph.Flatten(grid, axis: 1);
        var compressed = graph.Sqrt(flat);
        return graph.LpNormalization(compressed, axis: 1, p: 2, name: EmbeddingName);
    }
}
