using EdgeMlops.CloudHub.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// The registry as the rollout sees it: a version or alias resolved to the fleet manifest boxes must get, and the base
/// URL of the device download API (<c>Hub:Registry:DownloadUrl</c>, else the address the HTTP server bound for
/// <c>Hub:Http:Url</c>, so a port chosen by the system is the one named).
/// </summary>
public sealed class ModelCatalog(ModelVersionBook book, IOptions<RegistryOptions> options, IOptions<HubHttpOptions> http, IServiceProvider services)
    : IModelCatalog
{
    public ModelVersionRef? Resolve(string name, string versionOrAlias)
    {
        var version = book.Find(name, versionOrAlias)
            ?? (book.AliasTarget(name, versionOrAlias) is { } aliased ? book.Find(name, aliased) : null);
        return version is null ? null : new ModelVersionRef(version.Name, version.Version, version.ManifestSha256);
    }

    public string DownloadSource =>
        (options.Value.DownloadUrl ?? BoundUrl() ?? http.Value.Url).TrimEnd('/');

    private string? BoundUrl() =>
        services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(address => !address.Contains("://0.0.0.0", StringComparison.Ordinal) && !address.Contains("://[::]", StringComparison.Ordinal));
}
