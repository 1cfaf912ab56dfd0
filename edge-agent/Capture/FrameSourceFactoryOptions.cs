namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>How <see cref="FrameSourceFactory"/> builds sources. Bound from configuration section <c>FrameSources</c>.</summary>
public sealed class FrameSourceFactoryOptions
{
    public const string SectionName = "FrameSources";

    public StreamDecoder StreamDecoder { get; set; } = StreamDecoder.Auto;

    /// <summary>The ffmpeg executable: a name looked up on the PATH, or a path.</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";
}
