using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class SyncTlsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Over_mqtts_a_broker_whose_certificate_chains_to_the_configured_CA_is_trusted_and_drained_to()
    {
        var (caPem, serverCertificate) = PrivateCa();
        var caPath = _directory.File("ca.pem");
        await File.WriteAllTextAsync(caPath, caPem);
        await using var broker = await TestBroker.StartAsync(serverCertificate);
        await using var rig = new SyncRig(broker.Address, o => o.CaCertificatePath = caPath);
        var sent = rig.AppendEvents(120);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is drained over TLS");

        Assert.Equal(sent, broker.Received.On(Topics.Telemetry(SyncRig.DeviceId)).Seqs());
    }

    [Fact]
    public async Task Over_mqtts_a_broker_certificate_from_an_unknown_CA_is_refused_with_the_reason()
    {
        var (_, serverCertificate) = PrivateCa();
        await using var broker = await TestBroker.StartAsync(serverCertificate);
        await using var rig = new SyncRig(broker.Address);
        rig.AppendEvents(5);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.ConnectFailures >= 2, "two connection attempts failed");

        Assert.Equal(5, rig.Store.PendingCount);
        Assert.False(rig.Progress.Connected);
        var warning = Assert.Single(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning && e.Message.Contains("Cannot connect"));
        Assert.Contains($"mqtts://127.0.0.1:{broker.Port}", warning.Message);
        Assert.Contains("certificate", warning.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A CA (as PEM) and a certificate for 127.0.0.1 it signed, with its private key, for the broker.</summary>
    private static (string CaPem, X509Certificate2 Server) PrivateCa()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=EdgeMlops test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so that the key is one SslStream can use as a server on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem(), server);
    }
}
