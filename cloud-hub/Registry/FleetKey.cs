using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// The hub's fleet signing key: the one boxes trust. Read from <c>Hub:Registry:FleetKey</c>, or generated once into the
/// registry directory on first use and read from there ever after, so re-signed packages keep verifying across restarts.
/// </summary>
public sealed class FleetKey(IOptions<RegistryOptions> options, IOptions<HubStoreOptions> store, ILogger<FleetKey> logger) : IDisposable
{
    /// <summary>The file a generated key is kept in, inside the registry directory.</summary>
    public const string GeneratedFileName = "fleet.key.pem";

    private readonly Lock _lock = new();
    private SigningKey? _key;

    /// <summary>The key, loaded or generated on first use.</summary>
    /// <exception cref="InvalidOperationException">The configured key file cannot be read as a P-256 PKCS#8 key.</exception>
    public SigningKey Key
    {
        get
        {
            lock (_lock)
                return _key ??= LoadOrGenerate();
        }
    }

    /// <summary>The public half as PEM, for boxes' <c>Model:TrustedKeysDirectory</c>.</summary>
    public string PublicKeyPem => Key.ExportPublicKeyPem();

    private SigningKey LoadOrGenerate()
    {
        var configured = options.Value.FleetKey;
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(options.Value.ResolvedDirectory(store.Value), GeneratedFileName)
            : Path.GetFullPath(configured);
        if (File.Exists(path))
        {
            try
            {
                return SigningKey.Load(path);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidOperationException($"{RegistryOptions.Section}:FleetKey '{path}' cannot be read as a P-256 PKCS#8 private key: {e.Message}", e);
            }
        }
        if (!string.IsNullOrWhiteSpace(configured))
            throw new InvalidOperationException($"{RegistryOptions.Section}:FleetKey '{path}' does not exist.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = SigningKey.Generate();
        try
        {
            key.Save(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the CLI beside a running hub) generated it first: use that one.
            key.Dispose();
            return SigningKey.Load(path);
        }
        logger.LogWarning("Generated a new fleet signing key {KeyId} at {Path}; give boxes its public half (cloud-hub fleet-key export) and back the file up",
            key.KeyId, path);
        return key;
    }

    public void Dispose()
    {
        lock (_lock)
            _key?.Dispose();
    }
}
