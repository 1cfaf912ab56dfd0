using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Pipeline;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Pipeline;

public sealed class SidecarTruthFrameSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-sidecar-");

    /// <summary>A video of <paramref name="frames"/> frames that are never decoded: only their order matters here.</summary>
    private sealed class CountingVideo(int frames) : IFrameSource
    {
        private int _next;
        public bool IsLive => false;
        public int Opened { get; private set; }
        public void Open(CancellationToken cancellationToken) { _next = 0; Opened++; }

        public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
        {
            frame = new SourceFrameInfo(TimeSpan.FromMilliseconds(40 * _next));
            return _next++ < frames;
        }

        public void Retrieve(Mat destination) { }
        public void Dispose() { }
    }

    private string Sidecar(params long[] frames)
    {
        var path = _dir.File("video.truth.jsonl");
        using var writer = new GroundTruthWriter(path);
        foreach (var f in frames)
            writer.Write(new FrameTruth(f, f * 40, [new TruthObject((int)f + 1, "car", new Rect(10, 10, 40, 30), 1)]));
        return path;
    }

    private static List<FrameTruth?> ReadAll(IFrameSource source)
    {
        var truths = new List<FrameTruth?>();
        while (source.Grab(out var info, CancellationToken.None)) truths.Add(info.Truth as FrameTruth);
        return truths;
    }

    [Fact]
    public void Each_frame_carries_its_line_of_the_sidecar_and_frames_past_its_end_carry_none()
    {
        using var source = new SidecarTruthFrameSource(new CountingVideo(4), "cam1", Sidecar(0, 1, 2));
        source.Open(CancellationToken.None);

        var truths = ReadAll(source);

        Assert.Equal([0L, 1L, 2L], truths.Take(3).Select(t => t!.FrameIndex));
        Assert.Equal(3, truths[2]!.Objects[0].TrackId);
        Assert.Null(truths[3]);
    }

    [Fact]
    public void Reopening_the_file_starts_its_truth_over()
    {
        var video = new CountingVideo(2);
        using var source = new SidecarTruthFrameSource(video, "cam1", Sidecar(0, 1));
        source.Open(CancellationToken.None);
        ReadAll(source);

        source.Open(CancellationToken.None);

        Assert.Equal([0L, 1L], ReadAll(source).Select(t => t!.FrameIndex));
        Assert.Equal(2, video.Opened);
    }

    [Fact]
    public void A_sidecar_out_of_step_with_the_video_stops_the_camera_with_the_sidecar_named()
    {
        var sidecar = Sidecar(0, 2);
        using var source = new SidecarTruthFrameSource(new CountingVideo(3), "cam1", sidecar);
        source.Open(CancellationToken.None);
        source.Grab(out _, CancellationToken.None);

        var error = Assert.Throws<CameraSourceException>(() => source.Grab(out _, CancellationToken.None));

        Assert.Equal(CameraSourceError.Corrupt, error.Error);
        Assert.Contains(sidecar, error.Message);
        Assert.Contains("frame 2 where frame 1 was expected", error.Message);
    }

    [Fact]
    public void A_sidecar_is_found_only_beside_a_video_file()
    {
        var withSidecar = _dir.File("video.mp4");
        Sidecar(0);
        var without = _dir.File("other.mp4");

        Assert.Equal(_dir.File("video.truth.jsonl"), GroundTruthSidecarLocator.Find(new CameraOptions { Id = "a", Source = withSidecar }));
        Assert.Null(GroundTruthSidecarLocator.Find(new CameraOptions { Id = "b", Source = without }));
        Assert.Null(GroundTruthSidecarLocator.Find(new CameraOptions { Id = "c", Source = "rtsp://127.0.0.1/video.mp4" }));
    }

    public void Dispose() => _dir.Dispose();
}
