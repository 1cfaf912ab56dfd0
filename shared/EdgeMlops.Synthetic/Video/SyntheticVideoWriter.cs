using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Video;

/// <summary>What <see cref="SyntheticVideoWriter.Write"/> produced.</summary>
/// <param name="VideoPath">The video file.</param>
/// <param name="TruthPath">Its ground-truth sidecar.</param>
/// <param name="FrameCount">Frames written to both.</param>
public sealed record SyntheticVideo(string VideoPath, string TruthPath, int FrameCount);

/// <summary>Records a <see cref="HighwayScene"/> to a video file with its ground-truth sidecar.</summary>
public static class SyntheticVideoWriter
{
    /// <summary>
    /// Renders <paramref name="duration"/> of the scene described by <paramref name="options"/> into
    /// <paramref name="outPath"/> (<c>.mp4</c>: mp4v, <c>.avi</c>: MJPG) and writes
    /// <see cref="GroundTruthSidecar.PathFor"/> next to it.
    /// </summary>
    public static SyntheticVideo Write(HighwaySceneOptions options, TimeSpan duration, string outPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outPath);
        if (duration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Duration must be positive.");
        var codec = CodecFor(outPath);
        string directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        Directory.CreateDirectory(directory);

        using var scene = new HighwayScene(options);
        int frames = (int)Math.Round(duration.TotalSeconds * options.Fps);
        string truthPath = GroundTruthSidecar.PathFor(outPath);
        using (var video = new VideoWriter(outPath, codec, options.Fps, scene.FrameSize, isColor: true))
        {
            if (!video.IsOpened())
                throw new IOException($"OpenCV could not open '{outPath}' for writing with codec {codec}.");
            using var truth = new GroundTruthWriter(truthPath);
            using var frame = new Mat();
            for (int i = 0; i < frames; i++)
            {
                truth.Write(scene.Next(frame));
                video.Write(frame);
            }
        }
        return new SyntheticVideo(outPath, truthPath, frames);
    }

    private static FourCC CodecFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mp4" => FourCC.FromString("mp4v"),
        ".avi" => FourCC.FromString("MJPG"),
        var other => throw new ArgumentException($"Unsupported video extension '{other}' in '{path}'; use .mp4 or .avi.", nameof(path)),
    };
}
