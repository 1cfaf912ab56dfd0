using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class FrameSourceFactoryTests
{
    private static FrameSourceFactory Factory(StreamDecoder decoder = StreamDecoder.Auto) =>
        new(new FrameSourceFactoryOptions { StreamDecoder = decoder }, NullLoggerFactory.Instance);

    private static CameraOptions Camera(string source) => new() { Id = "cam-9", Source = source };

    [Theory]
    [InlineData("/videos/a.mp4")]
    [InlineData("relative/a.mp4")]
    [InlineData("file:///videos/a.mp4")]
    public void File_paths_and_file_uris_are_files_read_by_OpenCV(string source)
    {
        using var created = Factory().Create(Camera(source));

        Assert.IsType<OpenCvFrameSource>(created);
        Assert.False(created.IsLive);
    }

    [Fact]
    public void A_video_device_is_a_live_OpenCV_source()
    {
        using var created = Factory().Create(Camera("/dev/video0"));

        Assert.IsType<OpenCvFrameSource>(created);
        Assert.True(created.IsLive);
    }

    [Theory]
    [InlineData("rtsp://127.0.0.1:8554/cam")]
    [InlineData("rtsps://camera.local/stream1")]
    [InlineData("http://127.0.0.1:8080/cam.mjpg")]
    [InlineData("https://camera.local/cam.mjpg")]
    public void Network_streams_are_live_and_decoded_by_ffmpeg_when_it_is_installed(string source)
    {
        using var created = Factory().Create(Camera(source));

        Assert.IsType<FfmpegFrameSource>(created);
        Assert.True(created.IsLive);
    }

    [Fact]
    public void The_OpenCV_stream_decoder_can_be_chosen_and_explains_when_this_build_cannot_open_streams()
    {
        using var created = Factory(StreamDecoder.OpenCv).Create(Camera("rtsp://127.0.0.1:9/cam"));

        var error = Assert.Throws<CameraSourceException>(() => created.Open(CancellationToken.None));

        Assert.Equal(CameraSourceError.CannotOpen, error.Error);
        Assert.Contains("rtsp://127.0.0.1:9/cam", error.Message);
        Assert.Contains("StreamDecoder", error.Message);
    }

    [Theory]
    [InlineData("", "no source is configured")]
    [InlineData("ftp://host/cam", "unsupported scheme 'ftp'")]
    [InlineData("/dev/videoX", "/dev/videoN")]
    [InlineData("rtsp://[broken/cam", "not a well-formed URI")]
    public void Bad_sources_are_rejected_with_the_camera_and_the_reason(string source, string reason)
    {
        var error = Assert.Throws<CameraSourceException>(() => Factory().Create(Camera(source)));

        Assert.Equal(CameraSourceError.InvalidSource, error.Error);
        Assert.StartsWith("Camera 'cam-9'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Passwords_in_a_source_never_appear_in_errors()
    {
        var error = Assert.Throws<CameraSourceException>(() => Factory().Create(Camera("ftp://admin:s3cret@10.0.0.5/cam")));

        Assert.DoesNotContain("s3cret", error.Message);
        Assert.Contains("ftp://admin:***@10.0.0.5/cam", error.Message);
    }

    [Fact]
    public void A_registered_scheme_builds_its_own_source()
    {
        var factory = Factory();
        factory.Register("synthetic", camera => new StubSource(camera.Source));

        using var created = factory.Create(Camera("synthetic://highway?seed=3"));

        Assert.Equal("synthetic://highway?seed=3", Assert.IsType<StubSource>(created).Source);
        var supported = Assert.Throws<CameraSourceException>(() => factory.Create(Camera("ftp://x/y"))).Message;
        Assert.Contains("synthetic://", supported);
    }

    [Fact]
    public void A_registered_source_that_rejects_its_uri_fails_as_an_invalid_source_of_that_camera()
    {
        var factory = Factory();
        factory.Register("synthetic", camera => throw new FormatException("seed must be a whole number; got 'oops'."));

        var error = Assert.Throws<CameraSourceException>(() => factory.Create(Camera("synthetic://highway?seed=oops")));

        Assert.Equal(CameraSourceError.InvalidSource, error.Error);
        Assert.Contains("cam-9", error.Message);
        Assert.Contains("seed must be a whole number", error.Message);
    }

    [Fact]
    public void Built_in_schemes_cannot_be_replaced()
    {
        Assert.Throws<ArgumentException>(() => Factory().Register("rtsp", camera => new StubSource(camera.Source)));
    }

    private sealed class StubSource(string source) : IFrameSource
    {
        public string Source => source;
        public bool IsLive => true;
        public void Open(CancellationToken cancellationToken) { }
        public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void Retrieve(Mat destination) => throw new NotSupportedException();
        public void Dispose() { }
    }
}
