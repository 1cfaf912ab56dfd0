using System.Text.Json;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Video;

/// <summary>Reads <see cref="GroundTruthSidecar"/> files.</summary>
public static class GroundTruthReader
{
    /// <summary>
    /// The frames of the sidecar at <paramref name="path"/>, lazily, in file order. Blank lines are skipped; a
    /// malformed line or an unknown version raises <see cref="InvalidDataException"/> naming file and line.
    /// </summary>
    public static IEnumerable<FrameTruth> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Ground-truth sidecar '{path}' does not exist.", path);
        return ReadLines(path);
    }

    /// <summary>Parses one sidecar line; <paramref name="source"/> (e.g. "file:line") only labels errors.</summary>
    public static FrameTruth ParseLine(string line, string source = "line")
    {
        ArgumentNullException.ThrowIfNull(line);
        TruthLineJson? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, GroundTruthJsonContext.Default.TruthLineJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a ground-truth line: {e.Message}", e);
        }
        if (parsed is null)
            throw new InvalidDataException($"{source}: empty JSON value instead of a ground-truth line.");
        if (parsed.Version != GroundTruthSidecar.Version)
            throw new InvalidDataException($"{source}: ground-truth version {parsed.Version} is not supported (expected {GroundTruthSidecar.Version}).");
        var objects = (parsed.Objects ?? []).Select(o => new TruthObject(
            o.TrackId,
            o.Label ?? throw new InvalidDataException($"{source}: object {o.TrackId} has no label."),
            new Rect(o.X, o.Y, o.W, o.H),
            o.Visible)).ToArray();
        return new FrameTruth(parsed.Frame, parsed.TimestampMs, objects);
    }

    private static IEnumerable<FrameTruth> ReadLines(string path)
    {
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
                yield return ParseLine(line, $"{path}:{number}");
        }
    }
}
