using System.Globalization;

namespace EdgeMlops.EdgeAgent.Capture;

internal enum SourceKind { File, Device, Stream, Registered }

/// <summary>A camera's <see cref="CameraOptions.Source"/> taken apart: what kind of input it is and where.</summary>
internal sealed record SourceAddress(SourceKind Kind, string Scheme, string Location, int DeviceIndex, string Display)
{
    private const string DevicePrefix = "/dev/video";
    private static readonly string[] StreamSchemes = ["rtsp", "rtsps", "http", "https"];

    /// <exception cref="CameraSourceException">The source is empty, malformed, or of an unsupported scheme.</exception>
    public static SourceAddress Parse(string cameraId, string source, IEnumerable<string> registeredSchemes)
    {
        var text = source.Trim();
        var display = Mask(text);
        if (text.Length == 0)
            throw Invalid(cameraId, display, "no source is configured.");

        if (text.StartsWith(DevicePrefix, StringComparison.Ordinal))
        {
            return int.TryParse(text.AsSpan(DevicePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? new SourceAddress(SourceKind.Device, "", text, index, display)
                : throw Invalid(cameraId, display, $"a video device is written {DevicePrefix}N, N a number.");
        }

        // On Unix an absolute path is also a valid file:// Uri, so only text with "://" is treated as a URI.
        int schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return new SourceAddress(SourceKind.File, "", Path.GetFullPath(text), -1, display);

        var scheme = text[..schemeEnd];
        if (registeredSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            return new SourceAddress(SourceKind.Registered, scheme, text, -1, display);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw Invalid(cameraId, display, "not a well-formed URI.");
        if (uri.Scheme == Uri.UriSchemeFile)
            return new SourceAddress(SourceKind.File, uri.Scheme, uri.LocalPath, -1, display);
        if (StreamSchemes.Contains(uri.Scheme))
            return new SourceAddress(SourceKind.Stream, uri.Scheme, text, -1, display);

        var supported = string.Join(", ", ["a file path", "file://", .. StreamSchemes.Select(s => s + "://"), DevicePrefix + "N",
            .. registeredSchemes.Select(s => s + "://")]);
        throw Invalid(cameraId, display, $"unsupported scheme '{scheme}'; supported: {supported}.");
    }

    /// <summary>The source as it may appear in logs and errors: a password in the user-info part becomes <c>***</c>.</summary>
    public static string Mask(string source)
    {
        int schemeEnd = source.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return source;
        int hostStart = schemeEnd + 3;
        int at = source.IndexOf('@', hostStart);
        int pathStart = source.IndexOf('/', hostStart);
        if (at < 0 || (pathStart >= 0 && at > pathStart)) return source;
        int colon = source.IndexOf(':', hostStart, at - hostStart);
        return colon < 0 ? source : string.Concat(source.AsSpan(0, colon + 1), "***", source.AsSpan(at));
    }

    private static CameraSourceException Invalid(string cameraId, string display, string detail) =>
        new(cameraId, display, CameraSourceError.InvalidSource, detail);
}
