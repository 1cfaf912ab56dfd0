namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// Real video files encoded by Debian's ffmpeg (not by OpenCV), made on first use in a folder of their own that
/// other users can read (the RTSP server runs as <c>nobody</c>). Use as a class fixture.
/// </summary>
public sealed class TestVideos : IDisposable
{
    public const int ClipFrames = 75;
    public const int ClipFps = 25;
    public const int ClipWidth = 320;
    public const int ClipHeight = 240;

    private readonly string _directory;
    private readonly Lazy<string> _clip, _longClip, _randomBytes, _truncated, _truncatedAfterHeader, _y4m;

    public TestVideos()
    {
        _directory = Directory.CreateTempSubdirectory("edgemlops-capture-").FullName;
        MakeReadableByAll(_directory, (UnixFileMode)0b111_101_101);
        _clip = Make("clip.mp4", path => Encode(path, seconds: 3));
        _longClip = Make("long.mp4", path => Encode(path, seconds: 60));
        _randomBytes = Make("random-bytes.mp4", path => File.WriteAllBytes(path, RandomBytes(50_000)));
        _truncated = Make("truncated.mp4", path => WriteHalf(Clip, path));
        _truncatedAfterHeader = Make("truncated-after-header.mp4", path =>
        {
            var fastStart = Path.Combine(_directory, "faststart.mp4");
            ExternalProcess.Run("ffmpeg", "-v", "error", "-y", "-i", Clip, "-c", "copy", "-movflags", "+faststart", fastStart);
            WriteHalf(fastStart, path);
        });
        _y4m = Make("clip.y4m", path =>
            ExternalProcess.Run("ffmpeg", "-v", "error", "-y", "-i", Clip, "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", path));
    }

    /// <summary>3 s of ffmpeg's test pattern, H.264 in MP4, 320x240 at 25 fps: 75 frames, index at the end.</summary>
    public string Clip => _clip.Value;

    /// <summary>The same pattern for 60 s, for a server to stream.</summary>
    public string LongClip => _longClip.Value;

    /// <summary>Random bytes under a video's name.</summary>
    public string RandomBytesNamedMp4 => _randomBytes.Value;

    /// <summary>The first half of <see cref="Clip"/>: its index (moov) is lost.</summary>
    public string Truncated => _truncated.Value;

    /// <summary>The first half of the clip with its index at the front: it opens, then ends early.</summary>
    public string TruncatedAfterHeader => _truncatedAfterHeader.Value;

    /// <summary><see cref="Clip"/> decoded by ffmpeg to YUV4MPEG2.</summary>
    public string ClipY4m => _y4m.Value;

    public string Missing => Path.Combine(_directory, "no-such-video.mp4");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Lazy<string> Make(string name, Action<string> write) => new(() =>
    {
        var path = Path.Combine(_directory, name);
        write(path);
        MakeReadableByAll(path, (UnixFileMode)0b110_100_100);
        return path;
    });

    private static void MakeReadableByAll(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    private static void Encode(string path, int seconds)
    {
        string[] args =
        [
            "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={ClipWidth}x{ClipHeight}:rate={ClipFps}", "-t", seconds.ToString(),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", ClipFps.ToString(), path,
        ];
        ExternalProcess.Run("ffmpeg", args);
    }

    private static void WriteHalf(string source, string destination)
    {
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(destination, bytes[..(bytes.Length / 2)]);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
