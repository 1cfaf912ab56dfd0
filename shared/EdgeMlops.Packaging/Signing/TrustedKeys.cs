using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace EdgeMlops.Packaging;

/// <summary>The public keys whose signatures a box or hub accepts, by key id. Not safe for concurrent <c>Add</c>.</summary>
public sealed class TrustedKeys
{
    /// <summary>File name ending of public keys in a trust folder.</summary>
    public const string PublicKeyFileSuffix = ".pub.pem";

    private const string PublicKeyPemLabel = "PUBLIC KEY";
    private readonly Dictionary<string, byte[]> subjectPublicKeyInfoById = new(StringComparer.Ordinal);

    /// <summary>Ids of the trusted keys.</summary>
    public IReadOnlyCollection<string> KeyIds => subjectPublicKeyInfoById.Keys;

    /// <summary>Loads each given public key PEM file.</summary>
    public static TrustedKeys FromFiles(IEnumerable<string> publicKeyPemPaths)
    {
        var trust = new TrustedKeys();
        foreach (var path in publicKeyPemPaths)
        {
            trust.AddFile(path);
        }

        return trust;
    }

    /// <summary>Loads every <c>*.pub.pem</c> file directly inside <paramref name="directory"/>.</summary>
    public static TrustedKeys FromDirectory(string directory) =>
        FromFiles(Directory.EnumerateFiles(directory, "*" + PublicKeyFileSuffix).Order(StringComparer.Ordinal));

    /// <summary>Trusts a public key given as SubjectPublicKeyInfo PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <returns>The key id.</returns>
    /// <exception cref="ArgumentException">No public key PEM block, or the key is not on P-256.</exception>
    public string Add(string publicKeyPem, string source = "public key")
    {
        var der = P256Keys.DecodePem(publicKeyPem, PublicKeyPemLabel, source);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(der, out _);
        P256Keys.RequireP256(key, source);
        // Re-exported so the id is computed over one DER encoding whatever the PEM carried.
        var subjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        var keyId = P256Keys.KeyIdOf(subjectPublicKeyInfo);
        subjectPublicKeyInfoById[keyId] = subjectPublicKeyInfo;
        return keyId;
    }

    /// <summary>Trusts the public key in a PEM file.</summary>
    /// <returns>The key id.</returns>
    public string AddFile(string publicKeyPemPath) => Add(File.ReadAllText(publicKeyPemPath), publicKeyPemPath);

    /// <summary>Whether a key with this id is trusted.</summary>
    public bool Contains(string keyId) => subjectPublicKeyInfoById.ContainsKey(keyId);

    internal bool TryGetSubjectPublicKeyInfo(string keyId, [NotNullWhen(true)] out byte[]? subjectPublicKeyInfo) =>
        subjectPublicKeyInfoById.TryGetValue(keyId, out subjectPublicKeyInfo);
}
