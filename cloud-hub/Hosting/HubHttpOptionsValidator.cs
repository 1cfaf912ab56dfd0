using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>Refuses a <c>Hub:Http:Url</c> Kestrel cannot listen on, naming the key.</summary>
public sealed class HubHttpOptionsValidator : IValidateOptions<HubHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HubHttpOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/"))
            return ValidateOptionsResult.Fail($"{HubHttpOptions.Section}:Url '{options.Url}' is not an http:// URL with host and port, e.g. http://127.0.0.1:8080.");
        return ValidateOptionsResult.Success;
    }
}
