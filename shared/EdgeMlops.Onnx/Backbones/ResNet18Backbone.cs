namespace EdgeMlops.Onnx.Backbones;

/// <summary>
/// The ImageNet ResNet-18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (MIT; a CNTK export,
/// opset 8, input 1x3x224x224 BGR minus per-channel means, output the 512 pooled features), rebuilt to run at
/// any input size and batch, with its weights as external data. Rebuilt on each machine from the restored
/// package instead of committed: the file is 64 MB. Same package in, same bytes out.
/// </summary>
public static class ResNet18Backbone
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.24.0";

    /// <summary>The model file inside the package.</summary>
    public static readonly string PathInPackage = Path.Combine("tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The input tensor, named as CNTK exported it.</summary>
    public const string InputName = "Input247";

    /// <summary>The pooled features, [N, 512]: the embedding a classification head is trained on.</summary>
    public const string EmbeddingName = "embedding";

    public const int EmbeddingSize = 512;

    /// <summary>The size the network was trained and exported at.</summary>
    public const int ExportSize = 224;

    /// <summary>
    /// The means subtracted from the B, G, R channels (0-255 scale): the channel averages of the mean image in the
    /// package's preprocessing model (ResNetPreprocess.onnx), which varies little over the image (95-130), so
    /// crops of any size can use one value per channel.
    /// </summary>
    public static readonly IReadOnlyList<double> BgrMeans = [103.063, 115.903, 123.152];

    /// <summary>The weights file written beside the model.</summary>
    public const string WeightsFileName = "resnet18.weights";

    /// <summary>
    /// The model in the restored package under <paramref name="nugetPackagesRoot"/> (the NuGet global packages
    /// folder: $NUGET_PACKAGES or ~/.nuget/packages).
    /// </summary>
    public static string PackagedModelPath(string? nugetPackagesRoot = null)
    {
        var root = nugetPackagesRoot
            ?? Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, PackageId.ToLowerInvariant(), PackageVersion, PathInPackage);
    }

    /// <summary>The packaged graph with the three edits applied; its weights are still inline.</summary>
    /// <exception cref="FileNotFoundException">The package has not been restored.</exception>
    public static ModelProto Build(string packagedModelPath)
    {
        if (!File.Exists(packagedModelPath))
            throw new FileNotFoundException(
                $"ResNet-18 is built from the NuGet package {PackageId} {PackageVersion}; '{packagedModelPath}' does not exist (run dotnet restore).",
                packagedModelPath);

        var model = OnnxModelFile.Load(packagedModelPath);
        CntkGraphEdits.MakeInputSizeDynamic(model);
        CntkGraphEdits.GlobalPoolTheOutput(model, EmbeddingSize, EmbeddingName);
        CntkGraphEdits.MakeStridedPaddingSymmetric(model);
        // IR 4 is the first version with external data and with initializers that are not graph inputs, which
        // the CNTK export (IR 3) already relies on.
        model.IrVersion = Math.Max(model.IrVersion, 4);
        model.DocString = $"ResNet-18 (ImageNet) from {PackageId} {PackageVersion}: any input size and batch, global average pooled {EmbeddingSize}-d output.";
        return model;
    }

    /// <summary>Builds the backbone and writes it to <paramref name="modelPath"/> with its weights in <see cref="WeightsFileName"/> beside it.</summary>
    /// <returns>The model as written (initializers reference the weights file).</returns>
    public static ModelProto Write(string packagedModelPath, string modelPath)
    {
        var backbone = Build(packagedModelPath);
        return WriteWithWeightsApart(backbone, backbone, modelPath);
    }

    /// <summary>
    /// Writes <paramref name="model"/> (the backbone, or a classifier built on it) with every weight of
    /// <paramref name="backbone"/> in <see cref="WeightsFileName"/> and the rest (a head) inline. Every model on
    /// the same backbone so writes a byte-identical weights file, which packages then share.
    /// </summary>
    public static ModelProto WriteWithWeightsApart(ModelProto model, ModelProto backbone, string modelPath)
    {
        var backboneWeights = backbone.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return OnnxModelFile.SaveWithExternalData(model, modelPath, WeightsFileName, (tensor, _) => backboneWeights.Contains(tensor.Name));
    }
}
