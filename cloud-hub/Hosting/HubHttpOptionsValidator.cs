using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// Refuses a <c>Hub:Http</c> section Kestrel cannot serve, naming the key: a URL it cannot listen on, an
/// <c>https://</c> URL without a usable certificate and key (missing, unreadable, or not each other's), or a certificate
/// for a plain <c>http://</c> URL, where it would silently not be used.
/// </summary>
public sealed class HubHttpOptionsValidator : IValidateOptions<HubHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HubHttpOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/"))
            return ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:Url '{options.Url}' is not an http:// URL with host and port, e.g. http://127.0.0.1:8080.");
        if (string.IsNullOrWhiteSpace(options.AllowedHosts))
            return ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:AllowedHosts is empty; list the names clients use, separated by ';' (default {HubHttpOptions.LoopbackHosts}).");
        var certificate = !string.IsNullOrEmpty(options.Certificate);
        var key = !string.IsNullOrEmpty(options.Key);
        if (!options.IsHttps)
            return certificate || key
                ? ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:Certificate and :Key are set but {HubHttpOptions.Section}:Url '{options.Url}' is http://; use https:// to serve TLS.")
                : ValidateOptionsResult.Success;
        if (!certificate)
            return ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:Url '{options.Url}' is https:// but {HubHttpOptions.Section}:Certificate (PEM file) is not set.");
        if (!key)
            return ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:Url '{options.Url}' is https:// but {HubHttpOptions.Section}:Key (PEM file) is not set.");
        return FindCertificateProblem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    /// <summary>The server certificate with its key, as Kestrel will serve it.</summary>
    /// <exception cref="CryptographicException">The files do not hold a certificate and its key.</exception>
    public static X509Certificate2 LoadCertificate(HubHttpOptions options) => PemCertificateFiles.Load(options.Certificate!, options.Key!);

    private static string? FindCertificateProblem(HubHttpOptions options) =>
        PemCertificateFiles.FindProblem($"{HubHttpOptions.Section}:Certificate", options.Certificate!, $"{HubHttpOptions.Section}:Key", options.Key!);
}
