using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// A server certificate and its private key in PEM files, as both TLS listeners (HTTPS and MQTT over TLS) take them;
/// problems name the configuration keys and the full paths, so a start refused for them says what to fix.
/// </summary>
public static class PemCertificateFiles
{
    /// <summary>The certificate with its key.</summary>
    /// <exception cref="CryptographicException">The files do not hold a certificate and its key.</exception>
    public static X509Certificate2 Load(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(Path.GetFullPath(certificatePath), Path.GetFullPath(keyPath));

    /// <summary>Why the files cannot serve TLS (unreadable, not PEM, not each other's), or null when they can.</summary>
    public static string? FindProblem(string certificateKey, string certificatePath, string keyKey, string keyPath)
    {
        foreach (var (option, path) in new[] { (certificateKey, certificatePath), (keyKey, keyPath) })
        {
            try
            {
                using var _ = File.OpenRead(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"{option} '{Path.GetFullPath(path)}' cannot be read: {ex.Message}";
            }
        }
        try
        {
            using var certificate = Load(certificatePath, keyPath);
            return certificate.HasPrivateKey
                ? null
                : $"{keyKey} '{Path.GetFullPath(keyPath)}' holds no private key for {certificateKey} '{Path.GetFullPath(certificatePath)}'.";
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return $"{certificateKey} '{Path.GetFullPath(certificatePath)}' and {keyKey} " +
                $"'{Path.GetFullPath(keyPath)}' are not a PEM certificate and its private key: {ex.Message}";
        }
    }
}
