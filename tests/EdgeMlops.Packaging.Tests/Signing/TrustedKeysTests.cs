using System.Security.Cryptography;
using EdgeMlops.Packaging.Tests.Support;

namespace EdgeMlops.Packaging.Tests.Signing;

public sealed class TrustedKeysTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Folder_load_trusts_every_pub_pem_file_and_nothing_else()
    {
        using var first = SigningKey.Generate();
        using var second = SigningKey.Generate();
        using var stranger = SigningKey.Generate();
        first.SavePublicKey(temp.Combine("first.pub.pem"));
        second.SavePublicKey(temp.Combine("second.pub.pem"));
        stranger.SavePublicKey(temp.Combine("stranger.pem"));

        var trust = TrustedKeys.FromDirectory(temp.Path);

        Assert.Equal(2, trust.KeyIds.Count);
        Assert.True(trust.Contains(first.KeyId));
        Assert.True(trust.Contains(second.KeyId));
        Assert.False(trust.Contains(stranger.KeyId));
    }

    [Fact]
    public void Files_load_returns_the_same_key_ids_as_the_signers()
    {
        using var key = SigningKey.Generate();
        var path = temp.Combine("hub.pub.pem");
        key.SavePublicKey(path);

        var trust = TrustedKeys.FromFiles([path]);

        Assert.Equal([key.KeyId], trust.KeyIds);
    }

    [Fact]
    public void Adding_the_same_key_twice_trusts_it_once()
    {
        using var key = SigningKey.Generate();
        var trust = new TrustedKeys();

        trust.Add(key.ExportPublicKeyPem());
        trust.Add(key.ExportPublicKeyPem());

        Assert.Single(trust.KeyIds);
    }

    [Fact]
    public void Private_key_pem_is_refused_as_a_trusted_key()
    {
        using var key = SigningKey.Generate();

        var error = Assert.Throws<ArgumentException>(() => new TrustedKeys().Add(key.ExportPrivateKeyPem()));

        Assert.Contains("PUBLIC KEY", error.Message);
    }

    [Fact]
    public void Public_key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ArgumentException>(() => new TrustedKeys().Add(p384.ExportSubjectPublicKeyInfoPem(), "p384.pub.pem"));

        Assert.Contains("p384.pub.pem", error.Message);
    }
}
