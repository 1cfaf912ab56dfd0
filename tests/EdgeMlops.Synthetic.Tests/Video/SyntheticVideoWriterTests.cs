using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Video;

public class SyntheticVideoWriterTests
{
    [Theory]
    [InlineData("out.mp4", 640, 360)]
    [InlineData("clip.avi", 320, 180)]
    public void Video_and_truth_sidecar_round_trip(string fileName, int width, int height)
    {
        using var temp = new TempDirectory();
        var options = new HighwaySceneOptions { Seed = 9, Width = width, Height = height, Conditions = ConditionSchedule.Parse("day@0,fog:0.6@1s..2s") };
        var video = SyntheticVideoWriter.Write(options, TimeSpan.FromSeconds(3), temp.Combine(fileName));

        Assert.Equal(75, video.FrameCount);
        Assert.Equal(temp.Combine(Path.GetFileNameWithoutExtension(fileName) + ".truth.jsonl"), video.TruthPath);
        var truth = GroundTruthReader.Read(video.TruthPath).ToList();
        Assert.Equal(video.FrameCount, truth.Count);
        Assert.Equal(Enumerable.Range(0, 75).Select(i => (long)i), truth.Select(t => t.FrameIndex));
        Assert.Equal(40, truth[1].TimestampMs);
        Assert.Contains(truth, t => t.Objects.Count > 0);

        using var capture = new VideoCapture(video.VideoPath);
        Assert.True(capture.IsOpened());
        using var frame = new Mat();
        int frames = 0;
        while (capture.Read(frame) && !frame.Empty())
        {
            Assert.Equal(new Size(width, height), frame.Size());
            frames++;
        }
        Assert.Equal(truth.Count, frames);
    }

    [Fact]
    public void Sidecar_matches_the_scene_truth_exactly()
    {
        using var temp = new TempDirectory();
        var options = new HighwaySceneOptions { Seed = 12, Width = 320, Height = 180 };
        var video = SyntheticVideoWriter.Write(options, TimeSpan.FromSeconds(1), temp.Combine("a.avi"));
        using var scene = new HighwayScene(options);
        using var frame = new Mat();
        foreach (var line in GroundTruthReader.Read(video.TruthPath))
        {
            var expected = scene.Next(frame);
            Assert.Equal(expected.FrameIndex, line.FrameIndex);
            Assert.Equal(expected.TimestampMs, line.TimestampMs);
            Assert.Equal(expected.Objects, line.Objects);
        }
    }

    [Fact]
    public void Unsupported_extension_is_rejected_before_anything_is_written()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => SyntheticVideoWriter.Write(new HighwaySceneOptions(), TimeSpan.FromSeconds(1), temp.Combine("x.mkv")));
        Assert.Contains(".mkv", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
