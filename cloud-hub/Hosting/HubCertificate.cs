using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// The API's server certificate, loaded from <c>Hub:Http:Certificate</c> and <c>Hub:Http:Key</c> at the first TLS
/// handshake. Kestrel's options are built with the web application, before the hub validates its sections; loading
/// here rather than there keeps a bad file a validation failure naming its key (exit 2), not a crash.
/// </summary>
public sealed class HubCertificate(IOptions<HubHttpOptions> options) : IDisposable
{
    private readonly Lazy<X509Certificate2> _certificate = new(() => HubHttpOptionsValidator.LoadCertificate(options.Value));

    public X509Certificate2 Certificate => _certificate.Value;

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
            _certificate.Value.Dispose();
    }
}
