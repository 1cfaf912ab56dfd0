using System.Security.Cryptography;
using EdgeMlops.Packaging.Tests.Support;

namespace EdgeMlops.Packaging.Tests.Signing;

public sealed class SigningKeyTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Saved_key_loads_back_with_the_same_key_id_and_signs_verifiably()
    {
        using var key = SigningKey.Generate();
        var path = temp.Combine("signer.pem");
        key.Save(path);

        using var loaded = SigningKey.Load(path);
        var trust = new TrustedKeys();
        trust.Add(key.ExportPublicKeyPem());
        ModelPackageWriter.Write(temp.Combine("package"), SamplePackage.FakeModel(), SamplePackage.Draft(), loaded);

        Assert.Equal(key.KeyId, loaded.KeyId);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        Assert.Equal(key.KeyId, ModelPackageVerifier.Verify(temp.Combine("package"), trust).KeyId);
    }

    [Fact]
    public void Saved_key_is_readable_by_its_owner_only()
    {
        // Unix file modes only; the edge boxes and the hub run on Linux.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var key = SigningKey.Generate();
        var path = temp.Combine("signer.pem");
        key.Save(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Save_refuses_to_overwrite_an_existing_key()
    {
        using var key = SigningKey.Generate();
        var path = temp.Combine("signer.pem");
        File.WriteAllText(path, "existing");

        Assert.Throws<IOException>(() => key.Save(path));
        Assert.Equal("existing", File.ReadAllText(path));
    }

    [Fact]
    public void Key_id_is_the_first_16_hex_characters_of_the_sha256_of_the_public_key_der()
    {
        using var key = SigningKey.Generate();
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.ExportPublicKeyPem());

        var expected = Convert.ToHexStringLower(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()))[..16];

        Assert.Equal(expected, key.KeyId);
    }

    [Fact]
    public void Public_key_pem_is_refused_as_a_signing_key()
    {
        using var key = SigningKey.Generate();

        var error = Assert.Throws<ArgumentException>(() => SigningKey.FromPem(key.ExportPublicKeyPem()));

        Assert.Contains("PRIVATE KEY", error.Message);
    }

    [Fact]
    public void Key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ArgumentException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));

        Assert.Contains("P-256", error.Message);
    }
}
