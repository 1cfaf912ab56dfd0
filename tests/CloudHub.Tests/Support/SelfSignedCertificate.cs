using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>A certificate for localhost and 127.0.0.1 made by <c>openssl</c> in the test, as an operator would make one: <c>cert.pem</c> and <c>key.pem</c>.</summary>
internal sealed class SelfSignedCertificate
{
    private SelfSignedCertificate(string certificatePath, string keyPath)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    public string CertificatePath { get; }
    public string KeyPath { get; }

    /// <summary>Makes <c>NAME.cert.pem</c> and <c>NAME.key.pem</c> in <paramref name="directory"/>.</summary>
    public static async Task<SelfSignedCertificate> CreateAsync(string directory, string name = "hub")
    {
        var certificate = Path.Combine(directory, $"{name}.cert.pem");
        var key = Path.Combine(directory, $"{name}.key.pem");
        var info = new ProcessStartInfo("openssl")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key, "-out", certificate,
            },
        };
        using var openssl = Process.Start(info)!;
        var error = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardOutput.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.True(openssl.ExitCode == 0, $"openssl failed: {await error}");
        return new SelfSignedCertificate(certificate, key);
    }

    /// <summary>A client that trusts this certificate (and nothing else) as the root of the server's chain.</summary>
    public HttpClient TrustingClient(Uri baseAddress)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { root },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress };
    }
}
