namespace EdgeMlops.CloudHub.Registry;

/// <summary>One registered model version as the fleet sees it: what a desired state names.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="ManifestSha256">SHA-256 of the fleet-signed manifest the hub serves for it.</param>
public sealed record ModelVersionRef(string Name, string Version, string ManifestSha256);

/// <summary>What the rollout needs from the registry: resolve a version or alias, and where boxes download from.</summary>
public interface IModelCatalog
{
    /// <summary>The registered version <paramref name="versionOrAlias"/> of <paramref name="name"/> (a version, or an alias such as <c>production</c>); null when there is none.</summary>
    ModelVersionRef? Resolve(string name, string versionOrAlias);

    /// <summary>Absolute base URL of the device download API that desired states name (<see cref="EdgeMlops.Contracts.DesiredModel.Source"/>).</summary>
    string DownloadSource { get; }
}
