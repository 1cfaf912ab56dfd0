using EdgeMlops.CloudHub.Cli.Commands;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>The model registry (section <c>Hub:Registry</c>); checked by <see cref="RegistryOptionsValidator"/>.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Hub:Registry";

    /// <summary>Where package files are kept, named by their SHA-256; default a <c>models</c> folder beside the hub database.</summary>
    public string? Directory { get; set; }

    /// <summary>The folder of publisher public keys (<c>*.pub.pem</c>) whose packages the hub accepts; default the repository's <c>models/keys</c>, which holds the development key.</summary>
    public string TrustedPublishersDirectory { get; set; } = TrustOption.DefaultDirectory;

    /// <summary>
    /// The fleet key (PKCS#8 PEM private key) the hub signs registered packages with; boxes trust only its public half.
    /// Unset: a key generated once into <see cref="Directory"/> as <see cref="FleetKey.GeneratedFileName"/>.
    /// </summary>
    public string? FleetKey { get; set; }

    /// <summary>
    /// The base URL boxes download from (a desired state's <c>source</c>); default <c>Hub:Http:Url</c> as the server
    /// bound it. Set it when the hub listens on a wildcard address or sits behind a proxy.
    /// </summary>
    public string? DownloadUrl { get; set; }

    /// <summary>Largest package (.zip) the API accepts for registration.</summary>
    public long MaxPackageBytes { get; set; } = 1L << 30;

    /// <summary>The registry directory as an absolute path, resolved against the hub database's folder when unset.</summary>
    public string ResolvedDirectory(HubStoreOptions store) => Path.GetFullPath(
        string.IsNullOrWhiteSpace(Directory)
            ? Path.Combine(Path.GetDirectoryName(store.ResolvedPath) ?? ".", "models")
            : Directory);
}
