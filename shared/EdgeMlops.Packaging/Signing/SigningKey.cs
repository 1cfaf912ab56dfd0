using System.Security.Cryptography;

namespace EdgeMlops.Packaging;

/// <summary>
/// An ECDSA P-256 private key that signs manifests. Signatures are in IEEE P1363 form (64 bytes, r || s), the .NET
/// default, rather than DER, so their length is fixed and they need no ASN.1 parsing to check.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const string PrivateKeyPemLabel = "PRIVATE KEY";
    private readonly ECDsa key;

    private SigningKey(ECDsa key)
    {
        this.key = key;
        KeyId = P256Keys.KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Id of this key as written to <see cref="ManifestSignature.KeyId"/>: the first 16 hex characters of the SHA-256 of its SubjectPublicKeyInfo DER.</summary>
    public string KeyId { get; }

    /// <summary>Creates a new random P-256 key.</summary>
    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a key from PKCS#8 PEM text (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    /// <exception cref="ArgumentException">The text holds no PKCS#8 PEM block or the key is not on P-256.</exception>
    public static SigningKey FromPem(string pkcs8Pem, string source = "private key")
    {
        var der = P256Keys.DecodePem(pkcs8Pem, PrivateKeyPemLabel, source);
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(der, out _);
            P256Keys.RequireP256(key, source);
            return new SigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Reads a key from a PKCS#8 PEM file.</summary>
    public static SigningKey Load(string path) => FromPem(File.ReadAllText(path), path);

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as SubjectPublicKeyInfo PEM (<c>-----BEGIN PUBLIC KEY-----</c>), for <see cref="TrustedKeys"/>.</summary>
    public string ExportPublicKeyPem() => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Writes the private key as PKCS#8 PEM to a new file, readable by the owner only on Unix.</summary>
    /// <exception cref="IOException">The file already exists; a key is never overwritten.</exception>
    public void Save(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(ExportPrivateKeyPem());
    }

    /// <summary>Writes the public key as PEM, e.g. to <c>&lt;name&gt;.pub.pem</c> in a trust folder.</summary>
    public void SavePublicKey(string path) => File.WriteAllText(path, ExportPublicKeyPem());

    /// <summary>Signs <paramref name="data"/> with SHA-256, returning the IEEE P1363 signature.</summary>
    internal byte[] Sign(byte[] data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc/>
    public void Dispose() => key.Dispose();
}
