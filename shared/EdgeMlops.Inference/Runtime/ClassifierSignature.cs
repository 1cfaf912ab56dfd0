using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Packaging;

namespace EdgeMlops.Inference.Runtime;

/// <summary>What a session needs to know about a classifier beyond its graph: tensors, labels and input layout.</summary>
public sealed record ClassifierSignature(
    string ModelName,
    string ModelVersion,
    string ModelSha256,
    IReadOnlyList<string> Labels,
    string InputTensor,
    ImageTensorFormat Format,
    string OutputTensor,
    bool OutputIsLogits)
{
    /// <summary>The signature a package's manifest declares; <paramref name="modelSha256"/> comes from its verified file list.</summary>
    public static ClassifierSignature FromManifest(ModelManifest manifest, string modelSha256) => new(
        manifest.Name, manifest.Version, modelSha256, manifest.Labels, manifest.Input.TensorName,
        ImageTensorFormat.From(manifest.Input), manifest.Output.TensorName, manifest.Output.Kind == OutputKind.Logits);

    /// <summary>The signature of a verified package, keyed by the model file's verified hash.</summary>
    public static ClassifierSignature FromPackage(VerifiedModelPackage package) =>
        FromManifest(package.Manifest, package.Manifest.Files.Single(f => f.Path == PackageLayout.ModelFile).Sha256);
}
