using System.Text;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// A ground-truth feed file read as it grows: each call returns the complete lines appended since the last, numbered
/// from 1. A line still being written (no newline yet) waits for the next call. A file that shrank was replaced or
/// truncated: it is read again from the start.
/// </summary>
public sealed class GroundTruthFeedFile(string path)
{
    private long _offset;
    private long _lineNumber;

    public string FullPath { get; } = Path.GetFullPath(path);

    /// <summary>True when the last read found the file shorter than what had been read (it starts over).</summary>
    public bool Restarted { get; private set; }

    /// <summary>Why the file cannot be read, or null when it can.</summary>
    public static string? CannotRead(string path)
    {
        try
        {
            if (!File.Exists(path)) return Directory.Exists(path) ? "it is a directory" : "the file does not exist";
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }

    /// <exception cref="IOException">The file cannot be read now (it may be being replaced).</exception>
    /// <exception cref="UnauthorizedAccessException">The file is no longer readable.</exception>
    /// <param name="final">Also take a last line without a newline (the agent is stopping, so nobody finishes it for us).</param>
    public IReadOnlyList<(long Line, string Text)> ReadAppended(bool final = false)
    {
        Restarted = false;
        using var stream = new FileStream(FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < _offset)
            (_offset, _lineNumber, Restarted) = (0, 0, true);
        if (stream.Length == _offset) return [];
        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        // Only up to the last newline: the bytes after it may be half a UTF-8 character of a line still being written.
        int end = read == 0 ? 0 : Array.LastIndexOf(buffer, (byte)'\n', read - 1) + 1;
        if (final && read > end) end = read;
        if (end == 0) return [];
        _offset += end;
        var text = Encoding.UTF8.GetString(buffer, 0, end);
        var pieces = (text.EndsWith('\n') ? text : text + "\n").Split('\n');
        // The text ends with a newline, so the last piece is empty: it is not a line.
        var lines = new List<(long, string)>(pieces.Length - 1);
        for (int i = 0; i < pieces.Length - 1; i++)
            lines.Add((++_lineNumber, pieces[i].TrimEnd('\r')));
        return lines;
    }
}
