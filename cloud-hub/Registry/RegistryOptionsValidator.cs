using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// Refuses a <c>Hub:Registry</c> section the registry cannot work with, naming the key. A missing default publisher
/// folder is not refused (a hub started outside the repository still serves what it holds); registration then says so.
/// </summary>
public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPackageBytes <= 0)
            failures.Add($"{RegistryOptions.Section}:MaxPackageBytes must be positive, got {options.MaxPackageBytes}.");
        if (string.IsNullOrWhiteSpace(options.TrustedPublishersDirectory))
            failures.Add($"{RegistryOptions.Section}:TrustedPublishersDirectory is empty; name the folder of publisher *.pub.pem keys.");
        if (!string.IsNullOrWhiteSpace(options.FleetKey) && !File.Exists(options.FleetKey))
            failures.Add($"{RegistryOptions.Section}:FleetKey '{options.FleetKey}' does not exist; give a PKCS#8 PEM private key, or leave it unset to have one generated.");
        if (options.DownloadUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            failures.Add($"{RegistryOptions.Section}:DownloadUrl '{url}' is not an absolute http:// or https:// URL.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
