using OpenCvSharp;

namespace EdgeMlops.CloudHub.Tests.Cli;

public sealed class SyntheticCommandsTests
{
    [Fact]
    public async Task Video_writes_a_readable_video_and_one_truth_line_per_frame()
    {
        using var temp = new TempDirectory();
        var video = temp.File("fog.mp4");

        var (code, output, error) = await CliRunner.RunAsync("synthetic", "video", "--seed", "3", "--condition", "fog:0.7", "--duration", "2s", "--fps", "10", "--out", video);

        Assert.True(code == 0, error);
        Assert.Contains("20 frames", output);
        var truthLines = File.ReadAllLines(temp.File("fog.truth.jsonl"));
        Assert.Equal(20, truthLines.Length);
        using var capture = new VideoCapture(video);
        Assert.True(capture.IsOpened());
        int frames = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) frames++;
        Assert.Equal(20, frames);
    }

    [Fact]
    public async Task Dataset_writes_an_image_folder_per_class()
    {
        using var temp = new TempDirectory();
        var root = temp.File("ds");

        var (code, _, error) = await CliRunner.RunAsync("synthetic", "dataset", "--seed", "5", "--conditions", "day,dusk", "--per-class", "3", "--out", root);

        Assert.True(code == 0, error);
        foreach (var label in new[] { "car", "van", "truck", "bus", "motorcycle" })
            Assert.Equal(6, Directory.GetFiles(Path.Combine(root, label), "*.jpg").Length);
    }

    [Theory]
    [InlineData("--condition", "hail")]
    [InlineData("--duration", "-3s")]
    [InlineData("--fps", "zero")]
    public async Task Video_with_a_bad_argument_names_it_and_exits_2(string option, string value)
    {
        using var temp = new TempDirectory();

        var (code, _, error) = await CliRunner.RunAsync("synthetic", "video", "--out", temp.File("x.mp4"), option, value);

        Assert.Equal(2, code);
        Assert.Contains(option, error);
    }
}
