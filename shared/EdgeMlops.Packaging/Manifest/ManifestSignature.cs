namespace EdgeMlops.Packaging;

/// <summary>Signature of a manifest's canonical form (see <see cref="ModelManifestJson.GetSigningBytes"/>).</summary>
public sealed record ManifestSignature
{
    /// <summary>The only algorithm: ECDSA on NIST P-256 over SHA-256, signature in IEEE P1363 form.</summary>
    public const string EcdsaP256Sha256 = "ECDSA-P256-SHA256";

    /// <summary>Signature algorithm; always <see cref="EcdsaP256Sha256"/> in format version 1.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Id of the signing key (see <see cref="SigningKey.KeyId"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>Base64 of the 64-byte IEEE P1363 signature (r || s).</summary>
    public required string Value { get; init; }
}
