using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// Builds the source for a camera from its URI: files and <c>/dev/videoN</c> through OpenCV, network streams
/// through the decoder chosen by <see cref="FrameSourceFactoryOptions.StreamDecoder"/>, and any scheme added with
/// <see cref="Register"/> (the synthetic world plugs in this way).
/// </summary>
public sealed class FrameSourceFactory : IFrameSourceFactory
{
    private static readonly string[] BuiltInSchemes = ["file", "rtsp", "rtsps", "http", "https"];

    private readonly Dictionary<string, Func<CameraOptions, IFrameSource>> _registered = new(StringComparer.OrdinalIgnoreCase);
    private readonly FrameSourceFactoryOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lazy<string?> _ffmpeg;

    public FrameSourceFactory(FrameSourceFactoryOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _ffmpeg = new Lazy<string?>(() => ExecutableSearch.Find(options.FfmpegPath));
    }

    /// <summary>
    /// Adds a source kind for URIs of the form <c>scheme://...</c>. Call before the first <see cref="Create"/>.
    /// A <see cref="FormatException"/> or <see cref="ArgumentException"/> thrown by <paramref name="create"/> is
    /// reported as an invalid source of that camera.
    /// </summary>
    public void Register(string scheme, Func<CameraOptions, IFrameSource> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        if (BuiltInSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"'{scheme}' is built in and cannot be replaced.", nameof(scheme));
        _registered[scheme] = create;
    }

    /// <inheritdoc />
    public IFrameSource Create(CameraOptions camera)
    {
        var address = SourceAddress.Parse(camera.Id, camera.Source, _registered.Keys);
        return address.Kind switch
        {
            SourceKind.Registered => CreateRegistered(camera, address),
            SourceKind.File => OpenCvFrameSource.ForFile(camera, address.Location, address.Display),
            SourceKind.Device => OpenCvFrameSource.ForDevice(camera, address.DeviceIndex, address.Display),
            SourceKind.Stream => CreateStream(camera, address),
            _ => throw new InvalidOperationException($"Unhandled source kind {address.Kind}."),
        };
    }

    private IFrameSource CreateRegistered(CameraOptions camera, SourceAddress address)
    {
        try
        {
            return _registered[address.Scheme](camera);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CameraSourceException(camera.Id, address.Display, CameraSourceError.InvalidSource, ex.Message, ex);
        }
    }

    private IFrameSource CreateStream(CameraOptions camera, SourceAddress address)
    {
        var decoder = _options.StreamDecoder;
        if (decoder == StreamDecoder.Auto)
            decoder = _ffmpeg.Value is null ? StreamDecoder.OpenCv : StreamDecoder.FfmpegProcess;
        if (decoder == StreamDecoder.OpenCv)
            return OpenCvFrameSource.ForStream(camera, address.Location, address.Display);

        var ffmpeg = _ffmpeg.Value ?? throw new CameraSourceException(camera.Id, address.Display, CameraSourceError.CannotOpen,
            $"the stream decoder is ffmpeg, but '{_options.FfmpegPath}' was not found.");
        return new FfmpegFrameSource(camera, address.Location, address.Display, ffmpeg, _loggerFactory.CreateLogger<FfmpegFrameSource>());
    }
}
