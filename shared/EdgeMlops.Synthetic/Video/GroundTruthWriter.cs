using System.Text;
using System.Text.Json;
using EdgeMlops.Synthetic.Scenes;

namespace EdgeMlops.Synthetic.Video;

/// <summary>Writes <see cref="FrameTruth"/>s as a <see cref="GroundTruthSidecar"/> file, one line per frame.</summary>
public sealed class GroundTruthWriter : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Creates (or replaces) the sidecar at <paramref name="path"/>.</summary>
    public GroundTruthWriter(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
    }

    /// <summary>Appends the line of <paramref name="truth"/>.</summary>
    public void Write(FrameTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var objects = truth.Objects
            .Select(o => new TruthObjectJson(o.TrackId, o.Label, o.Box.X, o.Box.Y, o.Box.Width, o.Box.Height, o.Visible))
            .ToArray();
        var line = new TruthLineJson(GroundTruthSidecar.Version, truth.FrameIndex, truth.TimestampMs, objects);
        _writer.WriteLine(JsonSerializer.Serialize(line, GroundTruthJsonContext.Default.TruthLineJson));
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
