using System.Globalization;
using System.Text;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Frame size and rate from a YUV4MPEG2 stream header. Frames are planar I420.</summary>
internal sealed record Y4mHeader(int Width, int Height, double Fps)
{
    public int FrameBytes => Width * Height * 3 / 2;
}

/// <summary>
/// Reads the YUV4MPEG2 stream that <c>ffmpeg -f yuv4mpegpipe -pix_fmt yuv420p</c> writes: one text header
/// carrying the frame size (so the stream describes itself and needs no separate probe), then per frame a
/// <c>FRAME</c> line followed by the raw planes.
/// </summary>
internal sealed class Y4mReader(Stream stream)
{
    private const string Magic = "YUV4MPEG2";
    private const int MaxLineLength = 1024;
    private readonly byte[] _line = new byte[MaxLineLength];

    /// <exception cref="EndOfStreamException">The stream ended before a header arrived.</exception>
    /// <exception cref="InvalidDataException">The header is not a 4:2:0 YUV4MPEG2 header.</exception>
    public Y4mHeader ReadHeader()
    {
        int length = ReadLine();
        if (length < 0) throw new EndOfStreamException("The stream ended before its header.");
        var text = Encoding.ASCII.GetString(_line, 0, length);
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != Magic)
            throw new InvalidDataException($"Not a YUV4MPEG2 stream: '{Shorten(text)}'.");

        int width = 0, height = 0;
        double fps = 0;
        foreach (var token in tokens.Skip(1))
        {
            var value = token.AsSpan(1);
            switch (token[0])
            {
                case 'W': width = ParseInt(value, text); break;
                case 'H': height = ParseInt(value, text); break;
                case 'F': fps = ParseRate(value, text); break;
                case 'C' when !value.StartsWith("420"):
                    throw new InvalidDataException($"Chroma '{value}' is not 4:2:0 planar.");
            }
        }
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
            throw new InvalidDataException($"Frame size {width}x{height} is not a positive, even size.");
        return new Y4mHeader(width, height, fps);
    }

    /// <summary>Reads one frame's planes into <paramref name="destination"/>. False when the stream ended, even mid-frame.</summary>
    /// <exception cref="InvalidDataException">The next bytes are not a frame.</exception>
    public bool ReadFrame(Span<byte> destination)
    {
        int length = ReadLine();
        if (length < 0) return false;
        if (!_line.AsSpan(0, length).StartsWith("FRAME"u8))
            throw new InvalidDataException($"Expected a FRAME marker, found '{Shorten(Encoding.ASCII.GetString(_line, 0, length))}'.");
        return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) == destination.Length;
    }

    /// <summary>Reads up to the next newline. Returns the line's length, or -1 when the stream ended first.</summary>
    private int ReadLine()
    {
        for (int length = 0; length < MaxLineLength; length++)
        {
            int b = stream.ReadByte();
            if (b < 0) return -1;
            if (b == '\n') return length;
            _line[length] = (byte)b;
        }
        throw new InvalidDataException($"A header line is longer than {MaxLineLength} bytes.");
    }

    private static int ParseInt(ReadOnlySpan<char> value, string header) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException($"Malformed YUV4MPEG2 header '{Shorten(header)}'.");

    /// <summary>A rate written <c>num:den</c>; 0 when unknown (<c>0:0</c>).</summary>
    private static double ParseRate(ReadOnlySpan<char> value, string header)
    {
        int colon = value.IndexOf(':');
        if (colon < 0) return ParseInt(value, header);
        double numerator = ParseInt(value[..colon], header);
        double denominator = ParseInt(value[(colon + 1)..], header);
        return denominator > 0 ? numerator / denominator : 0;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
