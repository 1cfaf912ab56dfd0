using System.Text;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.Contracts;
using Microsoft.Net.Http.Headers;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// The device download API (<see cref="ModelDownloadPaths"/>): a box fetches the fleet-signed manifest and the files
/// of a version, with HTTP Basic (its device id and MQTT secret), and only versions its desired state names (model or
/// challenger). Files honour <c>Range</c>, so an interrupted download resumes. Not behind operator tokens.
/// </summary>
public static class DeviceDownloadEndpoints
{
    public static IEndpointRouteBuilder MapDeviceDownloads(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup(ModelDownloadPaths.Prefix).AllowAnonymous();
        downloads.MapGet("/{name}/{version}/manifest", GetManifest);
        downloads.MapGet("/{name}/{version}/files/{sha256}", GetFile);
        return app;
    }

    private static IResult GetManifest(string name, string version, HttpContext context, DeviceDownloadGate gate,
        ModelVersionBook book, ModelBlobStore blobs)
    {
        if (gate.Refuse(context, name, version) is { } refused)
            return refused;
        if (book.Find(name, version) is not { } found || !blobs.Contains(found.ManifestSha256))
            return gate.Unknown(context, $"{name} {version} is not registered");
        return gate.Serve(context, blobs.PathOf(found.ManifestSha256), "application/json", found.ManifestSha256);
    }

    private static IResult GetFile(string name, string version, string sha256, HttpContext context, DeviceDownloadGate gate,
        ModelVersionBook book, ModelBlobStore blobs)
    {
        if (gate.Refuse(context, name, version) is { } refused)
            return refused;
        if (!book.HasFile(name, version, sha256) || !blobs.Contains(sha256))
            return gate.Unknown(context, $"{name} {version} has no file with SHA-256 {sha256}");
        return gate.Serve(context, blobs.PathOf(sha256), "application/octet-stream", sha256);
    }
}

/// <summary>Who may download what: the device's credential, then its desired state. Refusals are logged and counted.</summary>
public sealed class DeviceDownloadGate(IDeviceRegistry devices, DesiredStateBook desired, RegistryMetrics metrics, ILogger<DeviceDownloadGate> logger)
{
    private const string Challenge = "Basic realm=\"edgemlops-device\"";

    /// <summary>A 401 or 403 answer, or null when the caller is a device whose desired state names (name, version).</summary>
    public IResult? Refuse(HttpContext context, string name, string version)
    {
        if (!TryReadBasic(context.Request, out var deviceId, out var secret) || !DeviceIds.IsValid(deviceId) || !devices.Verify(deviceId, secret))
        {
            metrics.DownloadRefused(DownloadRefusal.BadCredential);
            logger.LogWarning("Refused a model download of {Model} {Version} from {Remote}: no valid device credential", name, version, context.Connection.RemoteIpAddress);
            context.Response.Headers.WWWAuthenticate = Challenge;
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Device credential required",
                detail: "authenticate with HTTP Basic: the device id and its secret");
        }
        if (!Names(deviceId, name, version))
        {
            metrics.DownloadRefused(DownloadRefusal.NotDesired);
            logger.LogWarning("Refused device {DeviceId} a download of {Model} {Version}: its desired state does not name it", deviceId, name, version);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not in the desired state",
                detail: $"the desired state of device '{deviceId}' does not name {name} {version}");
        }
        return null;
    }

    /// <summary>404, counted.</summary>
    public IResult Unknown(HttpContext context, string detail)
    {
        metrics.DownloadRefused(DownloadRefusal.Unknown);
        logger.LogWarning("Refused a model download at {Path}: {Detail}", context.Request.Path, detail);
        return ApiProblems.NotFound("Unknown model file", detail);
    }

    /// <summary>Serves a blob with Range support; the bytes sent (the range's length for a 206) are counted once the response completes.</summary>
    public IResult Serve(HttpContext context, string path, string contentType, string sha256)
    {
        context.Response.OnCompleted(() =>
        {
            if (context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent)
                metrics.Downloaded(context.Response.ContentLength ?? 0);
            return Task.CompletedTask;
        });
        // The content never changes under its hash: the hash is a strong ETag, so If-Range resumes safely.
        return TypedResults.PhysicalFile(path, contentType, entityTag: new EntityTagHeaderValue($"\"{sha256}\""), enableRangeProcessing: true);
    }

    private bool Names(string deviceId, string name, string version)
    {
        if (desired.Current(deviceId) is not { } state || !DesiredModel.TryRead(state, out var model, out _))
            return false;
        return (model.Name == name && model.Version == version)
            || (model.Challenger is { } challenger && challenger.Name == name && challenger.Version == version);
    }

    private static bool TryReadBasic(HttpRequest request, out string deviceId, out string secret)
    {
        deviceId = secret = "";
        if (!System.Net.Http.Headers.AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return false;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0)
            return false;
        (deviceId, secret) = (decoded[..colon], decoded[(colon + 1)..]);
        return true;
    }
}
