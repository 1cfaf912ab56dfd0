using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Tests.Registry;

/// <summary>Packages for registry tests: the bundled seed model, re-written with a changed manifest and signed with a given key.</summary>
internal static class TestPackages
{
    /// <summary>The hub settings that trust the repository's development publisher key.</summary>
    public static Dictionary<string, string?> TrustDevKey => new() { [$"{RegistryOptions.Section}:TrustedPublishersDirectory"] = RepositoryPaths.Keys };

    /// <summary>The development publisher key the bundled package is signed with.</summary>
    public static SigningKey DevKey() => SigningKey.Load(Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem"));

    /// <summary>Writes the seed model's package again into <paramref name="directory"/>, signed by <paramref name="key"/> (the dev key when null), its manifest changed by <paramref name="change"/>.</summary>
    public static string Write(string directory, Func<ModelManifestDraft, ModelManifestDraft>? change = null, SigningKey? key = null, string? modelPath = null)
    {
        var seed = ModelPackageVerifier.Verify(RepositoryPaths.SeedModel, TrustedKeys.FromDirectory(RepositoryPaths.Keys)).Manifest;
        var draft = ModelManifestDraft.From(seed);
        using var devKey = key is null ? DevKey() : null;
        ModelPackageWriter.Write(directory, modelPath ?? Path.Combine(RepositoryPaths.SeedModel, PackageLayout.ModelFile), change?.Invoke(draft) ?? draft,
            key ?? devKey!, Path.Combine(RepositoryPaths.SeedModel, PackageLayout.CanaryDirectory));
        return directory;
    }

    /// <summary>
    /// The seed model with a Gather on its output whose indices include one out of range: ONNX Runtime loads it (the
    /// shapes agree) and fails only when it runs, as the session's first run at load does.
    /// </summary>
    public static string WriteFailingOnEveryRunModel(string path) => WriteWithOutputNode(path, (graph, raw, output, width) =>
    {
        var indices = Enumerable.Range(0, (int)width).Select(i => (long)i).ToArray();
        indices[^1] = width + 90;
        graph.Initializer.Add(EdgeMlops.Onnx.OnnxTensor.FromInt64s("out_of_range_indices", indices, width));
        return Node("Gather", [raw, "out_of_range_indices"], output, EdgeMlops.Onnx.OnnxAttribute.Int("axis", 1));
    });

    /// <summary>
    /// The seed model with its output reshaped to a batch of one: it loads and passes the one-crop run at load, and fails
    /// when a batch of several runs (the canary set).
    /// </summary>
    public static string WriteFailingOnBatchesModel(string path) => WriteWithOutputNode(path, (graph, raw, output, width) =>
    {
        graph.Initializer.Add(EdgeMlops.Onnx.OnnxTensor.FromInt64s("batch_of_one", [1, width], 2));
        return Node("Reshape", [raw, "batch_of_one"], output);
    });

    private static string WriteWithOutputNode(string path, Func<EdgeMlops.Onnx.GraphProto, string, string, long, EdgeMlops.Onnx.NodeProto> add)
    {
        var model = EdgeMlops.Onnx.OnnxModelFile.Load(Path.Combine(RepositoryPaths.SeedModel, PackageLayout.ModelFile));
        var graph = model.Graph;
        var output = graph.Output[0].Name;
        var raw = output + "_before";
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == output) node.Output[i] = raw;
        }
        graph.Node.Add(add(graph, raw, output, graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue));
        EdgeMlops.Onnx.OnnxModelFile.Save(model, path);
        return path;
    }

    private static EdgeMlops.Onnx.NodeProto Node(string opType, string[] inputs, string output, params EdgeMlops.Onnx.AttributeProto[] attributes)
    {
        var node = new EdgeMlops.Onnx.NodeProto { OpType = opType, Name = $"test_{opType}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>Zips a package directory.</summary>
    public static string Zip(string packageDirectory, string zipPath)
    {
        ModelPackageArchive.Pack(packageDirectory, zipPath);
        return zipPath;
    }

    /// <summary>Lays a registered version out as a package directory from the hub's blobs: the fleet manifest and the files it lists.</summary>
    public static string Materialize(InProcessHub hub, string name, string version, string directory)
    {
        var book = hub.Get<ModelVersionBook>();
        var blobs = hub.Get<ModelBlobStore>();
        var registered = book.Find(name, version) ?? throw new InvalidOperationException($"{name} {version} is not registered");
        Directory.CreateDirectory(directory);
        File.Copy(blobs.PathOf(registered.ManifestSha256), Path.Combine(directory, PackageLayout.ManifestFile));
        foreach (var file in book.Files(name, version))
        {
            var target = Path.Combine(directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(blobs.PathOf(file.Sha256), target);
        }
        return directory;
    }
}
