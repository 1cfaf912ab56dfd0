using System.Collections.Concurrent;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.Contracts;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// The answers a reviewer may give for a sample: a class of the model's label set, <c>not-a-vehicle</c> or <c>unsure</c>.
/// The label set is the registered manifest's when the hub's registry holds the sample's model version (versions are
/// immutable, so it is cached), otherwise the classes of the sample's own probabilities (a box running a model
/// registered elsewhere still sends one probability per class).
/// </summary>
public sealed class ModelLabelSets(ModelVersionBook book, ModelBlobStore blobs, ILogger<ModelLabelSets> logger)
{
    private readonly ConcurrentDictionary<(string Name, string Version), IReadOnlyList<string>> _registered = new();

    /// <summary>Every answer allowed for a sample of (<paramref name="modelName"/>, <paramref name="modelVersion"/>) with <paramref name="probabilities"/>.</summary>
    public IReadOnlyList<string> AllowedAnswers(string modelName, string modelVersion, IEnumerable<string> probabilities) =>
        [.. (Registered(modelName, modelVersion) ?? probabilities.Order(StringComparer.Ordinal).ToList()), ReviewLabels.NotAVehicle, ReviewLabels.Unsure];

    private IReadOnlyList<string>? Registered(string name, string version)
    {
        if (_registered.TryGetValue((name, version), out var cached))
            return cached;
        if (book.Find(name, version) is not { } registered || !blobs.Contains(registered.ManifestSha256))
            return null;
        try
        {
            var labels = ModelManifestJson.Parse(File.ReadAllBytes(blobs.PathOf(registered.ManifestSha256))).Labels;
            return _registered[(name, version)] = labels;
        }
        catch (Exception e) when (e is IOException or ModelPackageException)
        {
            logger.LogWarning(e, "Could not read the label set of {Model} {Version} from its manifest; using the sample's classes", name, version);
            return null;
        }
    }
}
