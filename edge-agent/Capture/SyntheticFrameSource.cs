using System.Diagnostics;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// The synthetic highway world as a camera: each frame carries its <see cref="FrameTruth"/>. With a duration it
/// behaves like a file (positions, an end); without one like a live camera, delivering frames in real time.
/// </summary>
public sealed class SyntheticFrameSource(SyntheticSourceUri uri) : IFrameSource
{
    private readonly Mat _rendered = new();
    private readonly Stopwatch _clock = new();
    private HighwayScene? _scene;
    private long _index;

    public bool IsLive => uri.Duration is null;

    public void Open(CancellationToken cancellationToken)
    {
        _scene?.Dispose();
        _scene = new HighwayScene(uri.Scene);
        _index = 0;
        _clock.Restart();
    }

    public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
    {
        var scene = _scene ?? throw new InvalidOperationException("The synthetic source is not open.");
        var position = TimeSpan.FromSeconds(_index / uri.Scene.Fps);
        if (uri.Duration is { } duration && position >= duration)
        {
            frame = default;
            return false;
        }
        // Read the clock once: read twice, it can pass the frame's time in between and ask for a negative wait.
        var early = position - _clock.Elapsed;
        if (IsLive && early > TimeSpan.Zero)
            cancellationToken.WaitHandle.WaitOne(early);
        cancellationToken.ThrowIfCancellationRequested();
        var truth = scene.Next(_rendered);
        _index++;
        frame = new SourceFrameInfo(position, truth);
        return true;
    }

    public void Retrieve(Mat destination) => _rendered.CopyTo(destination);

    public void Dispose()
    {
        _scene?.Dispose();
        _rendered.Dispose();
    }
}
