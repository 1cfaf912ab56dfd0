namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>One camera: where its video comes from, how it is paced, and the geometry later stages use.</summary>
public sealed class CameraOptions
{
    /// <summary>Unique per agent; names the camera in events, statistics, logs and errors.</summary>
    public string Id { get; set; } = "";

    /// <summary>
    /// A video file path or <c>file://</c> URI, <c>rtsp://</c> / <c>rtsps://</c>, <c>http(s)://</c> (MJPEG and other
    /// streams FFmpeg reads), <c>/dev/videoN</c>, or a scheme registered with <see cref="FrameSourceFactory.Register"/>.
    /// </summary>
    public string Source { get; set; } = "";

    /// <summary>Frames per second handed on; the rest are skipped at capture. Null keeps the source's rate.</summary>
    public double? TargetFps { get; set; }

    /// <summary>Start a file again from its beginning when it ends, instead of completing.</summary>
    public bool Loop { get; set; }

    public FilePacing FilePacing { get; set; } = FilePacing.RealTime;

    /// <summary>Polygon (at least three corners; a rectangle is four) outside which nothing is proposed. Empty: the whole frame.</summary>
    public IList<PixelPoint> RegionOfInterest { get; set; } = [];

    /// <summary>Vehicles whose track crosses this segment are counted, with the direction of crossing.</summary>
    public LineSegmentOptions? CountingLine { get; set; }

    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Frames waiting for the next stage; when full, the oldest is dropped and counted (live and real-time sources).</summary>
    public int QueueCapacity { get; set; } = 4;

    /// <summary>
    /// Frame buffers this camera may have out at once: queued, being decoded, and held by later stages. Bounds the
    /// camera's memory; when all are out, the new frame is dropped and counted.
    /// </summary>
    public int MaxFramesInFlight { get; set; } = 8;

    /// <summary>Longest wait for a stream to open and deliver its first frame.</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest silence between two frames of a stream before it counts as lost.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where vehicle boxes come from; <see cref="Detection.ProposalSource.GroundTruth"/> needs a source that carries truth.</summary>
    public Detection.ProposalSource Proposals { get; set; } = Detection.ProposalSource.Motion;
}
