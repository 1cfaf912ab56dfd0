using EdgeMlops.CloudHub.Api;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// Refuses a request whose <c>Host</c> is not in <see cref="HubHttpOptions.AllowedHosts"/> with 400 naming the option.
/// A hub on loopback is otherwise reachable from any web page: the page's own DNS name, rebound to 127.0.0.1, sends
/// its requests to the hub with that name as Host.
/// </summary>
public sealed class HostAllowList(RequestDelegate next, IOptionsMonitor<HubHttpOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var http = options.CurrentValue;
        var host = context.Request.Host.Host;
        if (IsAllowed(host, http))
        {
            await next(context);
            return;
        }
        await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Host not allowed",
            $"this hub does not answer to Host '{host}'; add it to {HubHttpOptions.Section}:AllowedHosts (now '{http.AllowedHosts}')");
    }

    /// <summary>Whether a request for <paramref name="host"/> (without port) is served.</summary>
    public static bool IsAllowed(string host, HubHttpOptions options)
    {
        if (string.IsNullOrEmpty(host))
            return false;
        var allowed = options.AllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var own = Uri.TryCreate(options.Url, UriKind.Absolute, out var url) ? url.Host : null;
        return allowed.Append(own).Any(name => name == "*" || string.Equals(name, host, StringComparison.OrdinalIgnoreCase));
    }
}
