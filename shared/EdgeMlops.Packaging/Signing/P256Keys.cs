using System.Security.Cryptography;

namespace EdgeMlops.Packaging;

/// <summary>What signing and trusting keys share: the curve check, key ids and PEM decoding.</summary>
internal static class P256Keys
{
    // OID of NIST P-256 (secp256r1); compared by value because curve friendly names differ between platforms.
    private const string NistP256Oid = "1.2.840.10045.3.1.7";
    private const int KeyIdHexLength = 16;

    /// <summary>Throws unless <paramref name="key"/> is on NIST P-256, the only curve of format version 1.</summary>
    public static void RequireP256(ECDsa key, string source)
    {
        var oid = key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value;
        if (oid != NistP256Oid)
        {
            throw new ArgumentException($"{source}: the key is not on NIST P-256 (curve OID {oid ?? "unknown"})", nameof(source));
        }
    }

    /// <summary>
    /// The key id: the first 16 lowercase hex characters of SHA-256 over the DER SubjectPublicKeyInfo. It only selects
    /// which trusted key to verify with, so a colliding id cannot make a foreign key's signature verify.
    /// </summary>
    public static string KeyIdOf(byte[] subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..KeyIdHexLength];

    /// <summary>Decodes the first PEM block, which must carry <paramref name="label"/>.</summary>
    public static byte[] DecodePem(string pem, string label, string source)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new ArgumentException($"{source}: no PEM block found", nameof(pem));
        }

        var foundLabel = pem[fields.Label];
        if (foundLabel != label)
        {
            throw new ArgumentException($"{source}: expected a '{label}' PEM block, found '{foundLabel}'", nameof(pem));
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
