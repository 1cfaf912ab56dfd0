using System.Collections.Concurrent;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// A fixed number of reusable frames for one camera, so that months of video allocate no image memory per frame.
/// Frames are created on demand up to the capacity; a frame's image keeps its buffer between uses.
/// </summary>
internal sealed class FramePool(int capacity) : IDisposable
{
    private readonly ConcurrentQueue<CameraFrame> _idle = new();
    private int _created;
    private volatile bool _disposed;

    /// <summary>Frames created so far; never more than the capacity.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>A free frame, or false when every frame is still out.</summary>
    public bool TryRent(out CameraFrame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idle.TryDequeue(out frame!))
        {
            if (Interlocked.Increment(ref _created) > capacity)
            {
                Interlocked.Decrement(ref _created);
                return false;
            }
            frame = new CameraFrame(this);
        }
        frame.MarkRented();
        return true;
    }

    public void Return(CameraFrame frame)
    {
        if (_disposed)
        {
            frame.Release();
            return;
        }
        _idle.Enqueue(frame);
        // A frame returned while Dispose ran would otherwise keep its image forever.
        if (_disposed && _idle.TryDequeue(out var late)) late.Release();
    }

    /// <summary>Frees the idle frames' images; frames still out free theirs when returned.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var frame)) frame.Release();
    }
}
