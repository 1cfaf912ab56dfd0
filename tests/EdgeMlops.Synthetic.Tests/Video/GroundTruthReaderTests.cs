using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Video;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Video;

public class GroundTruthReaderTests
{
    [Fact]
    public void Writer_output_uses_the_documented_field_names_and_reads_back()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("t.truth.jsonl");
        var truth = new FrameTruth(3, 120, [new TruthObject(7, "bus", new Rect(1, 2, 30, 10), 0.5)]);
        using (var writer = new GroundTruthWriter(path))
            writer.Write(truth);

        Assert.Equal(
            """{"v":1,"frame":3,"tMs":120,"objects":[{"trackId":7,"label":"bus","x":1,"y":2,"w":30,"h":10,"visible":0.5}]}""",
            File.ReadAllText(path).TrimEnd('\n'));
        var read = Assert.Single(GroundTruthReader.Read(path));
        Assert.Equal(truth.FrameIndex, read.FrameIndex);
        Assert.Equal(truth.Objects, read.Objects);
    }

    [Theory]
    [InlineData("""{"v":1,"frame":0,"tMs":0,"objects":[]}""" + "\n" + "{not json", "bad.truth.jsonl:2:")]
    [InlineData("""{"v":2,"frame":0,"tMs":0,"objects":[]}""", "version 2")]
    [InlineData("""{"v":1,"tMs":0,"objects":[]}""", "frame")]
    [InlineData("""{"v":1,"frame":0,"tMs":0,"objects":[{"trackId":1,"x":0,"y":0,"w":1,"h":1,"visible":1}]}""", "label")]
    public void Malformed_lines_name_the_file_and_line(string content, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("bad.truth.jsonl");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() => GroundTruthReader.Read(path).ToList());
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Missing_sidecar_is_reported() =>
        Assert.Throws<FileNotFoundException>(() => GroundTruthReader.Read("/nonexistent/x.truth.jsonl"));

    [Fact]
    public void Sidecar_path_replaces_the_video_extension() =>
        Assert.Equal(Path.Combine("/data", "out.truth.jsonl"), GroundTruthSidecar.PathFor(Path.Combine("/data", "out.mp4")));
}
