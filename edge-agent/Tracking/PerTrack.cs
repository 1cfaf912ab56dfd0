namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// What a stage keeps for each track until it ends, taken back when the track completes. The tracker discards tracks
/// too short to report without completing them, so an entry unseen for longer than any track can go unseen is
/// dropped as well. Used from one camera's tracking stage only.
/// </summary>
internal sealed class PerTrack<T>(int maxMissedFrames, Action<T>? dropped = null) where T : class, new()
{
    private const int SweepEvery = 64;

    private readonly Dictionary<long, (T Value, long LastFrame)> _entries = [];
    private readonly List<long> _stale = [];
    private long _frame;

    public int Count => _entries.Count;

    /// <summary>Starts the next frame; now and then drops the entries of tracks that ended without completing.</summary>
    public void NextFrame()
    {
        if (++_frame % SweepEvery != 0) return;
        foreach (var (id, entry) in _entries)
            if (_frame - entry.LastFrame > maxMissedFrames + 1) _stale.Add(id);
        foreach (var id in _stale)
            if (_entries.Remove(id, out var entry)) dropped?.Invoke(entry.Value);
        _stale.Clear();
    }

    /// <summary>The entry of a track seen in the current frame, created on its first sighting.</summary>
    public T Seen(long trackId)
    {
        var value = _entries.TryGetValue(trackId, out var entry) ? entry.Value : new T();
        _entries[trackId] = (value, _frame);
        return value;
    }

    /// <summary>Removes and returns the entry of a track that completed; null when it never had one.</summary>
    public T? Take(long trackId) => _entries.Remove(trackId, out var entry) ? entry.Value : null;

    /// <summary>Drops every entry (the stage is done).</summary>
    public void Clear()
    {
        foreach (var entry in _entries.Values) dropped?.Invoke(entry.Value);
        _entries.Clear();
    }
}
