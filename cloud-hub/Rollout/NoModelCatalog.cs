using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>A catalog with no models: the fallback while no registry is registered, so every rollout is refused as naming an unknown version.</summary>
internal sealed class NoModelCatalog : IModelCatalog
{
    public ModelVersionRef? Resolve(string name, string versionOrAlias) => null;

    public string DownloadSource => "http://127.0.0.1/";
}
