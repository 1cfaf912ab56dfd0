using System.Text;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Tests.Support;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class Y4mReaderTests(TestVideos videos) : IClassFixture<TestVideos>
{
    [Fact]
    public void Reads_the_header_and_every_frame_of_a_stream_written_by_ffmpeg()
    {
        using var file = File.OpenRead(videos.ClipY4m);
        var reader = new Y4mReader(file);

        var header = reader.ReadHeader();
        var frame = new byte[header.FrameBytes];
        int frames = 0;
        while (reader.ReadFrame(frame)) frames++;

        Assert.Equal(new Y4mHeader(TestVideos.ClipWidth, TestVideos.ClipHeight, TestVideos.ClipFps), header);
        Assert.Equal(TestVideos.ClipFrames, frames);
    }

    [Fact]
    public void A_stream_cut_in_the_middle_of_a_frame_ends_without_a_partial_frame()
    {
        var bytes = File.ReadAllBytes(videos.ClipY4m);
        using var cut = new MemoryStream(bytes[..(bytes.Length - 100)]);
        var reader = new Y4mReader(cut);
        var frame = new byte[reader.ReadHeader().FrameBytes];

        int frames = 0;
        while (reader.ReadFrame(frame)) frames++;

        Assert.Equal(TestVideos.ClipFrames - 1, frames);
    }

    [Theory]
    [InlineData("RIFF1234 W320 H240\n", "Not a YUV4MPEG2 stream")]
    [InlineData("YUV4MPEG2 W320 H240 C444\n", "not 4:2:0")]
    [InlineData("YUV4MPEG2 W321 H240\n", "321x240")]
    [InlineData("YUV4MPEG2 Wabc H240\n", "Malformed")]
    public void Rejects_headers_it_cannot_decode(string header, string reason)
    {
        var reader = new Y4mReader(new MemoryStream(Encoding.ASCII.GetBytes(header)));

        var error = Assert.Throws<InvalidDataException>(reader.ReadHeader);

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void An_empty_stream_has_no_header()
    {
        Assert.Throws<EndOfStreamException>(new Y4mReader(new MemoryStream()).ReadHeader);
    }
}
