using System.Security.Cryptography;

namespace EdgeMlops.Packaging;

/// <summary>Signs manifests and checks their signatures over <see cref="ModelManifestJson.GetSigningBytes"/>.</summary>
internal static class ManifestSigner
{
    public static ModelManifest Sign(ModelManifest manifest, SigningKey key) => manifest with
    {
        Signature = new ManifestSignature
        {
            Algorithm = ManifestSignature.EcdsaP256Sha256,
            KeyId = key.KeyId,
            Value = Convert.ToBase64String(key.Sign(ModelManifestJson.GetSigningBytes(manifest))),
        },
    };

    /// <summary>Checks the signature and returns the id of the trusted key that made it.</summary>
    /// <exception cref="ModelPackageException">
    /// <see cref="ModelPackageError.Unsigned"/>, <see cref="ModelPackageError.MalformedManifest"/> (unknown algorithm),
    /// <see cref="ModelPackageError.UntrustedKey"/> or <see cref="ModelPackageError.ManifestTampered"/>.
    /// </exception>
    public static string Verify(ModelManifest manifest, TrustedKeys trust)
    {
        var signature = manifest.Signature
            ?? throw Fail(ModelPackageError.Unsigned, "the manifest is not signed");
        if (signature.Algorithm != ManifestSignature.EcdsaP256Sha256)
        {
            throw Fail(ModelPackageError.MalformedManifest,
                $"signature.algorithm '{signature.Algorithm}' is not supported; expected {ManifestSignature.EcdsaP256Sha256}");
        }

        if (!trust.TryGetSubjectPublicKeyInfo(signature.KeyId, out var subjectPublicKeyInfo))
        {
            throw Fail(ModelPackageError.UntrustedKey,
                $"signed with key {signature.KeyId}, which is not among the {trust.KeyIds.Count} trusted keys");
        }

        if (!Verifies(subjectPublicKeyInfo, ModelManifestJson.GetSigningBytes(manifest), signature.Value))
        {
            throw Fail(ModelPackageError.ManifestTampered,
                $"the signature does not match the content for key {signature.KeyId}: the manifest was changed after signing");
        }

        return signature.KeyId;
    }

    private static bool Verifies(byte[] subjectPublicKeyInfo, byte[] data, string base64Signature)
    {
        var signature = new byte[base64Signature.Length];
        if (!Convert.TryFromBase64String(base64Signature, signature, out var length))
        {
            return false;
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key.VerifyData(data, signature.AsSpan(0, length), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ModelPackageException Fail(ModelPackageError error, string problem) =>
        new(error, $"{PackageLayout.ManifestFile}: {problem}", PackageLayout.ManifestFile);
}
