namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>How fast a video file is read.</summary>
public enum FilePacing
{
    /// <summary>
    /// At the file's own frame rate, as if it were a live camera: frames are skipped when decoding falls behind
    /// and dropped (oldest first, counted) when the consumer does.
    /// </summary>
    RealTime,

    /// <summary>
    /// As fast as the consumer takes frames. Nothing is dropped: a file cannot fall behind, so capture waits for
    /// queue space instead, and benchmarks and ground-truth runs see every (target-rate) frame.
    /// </summary>
    AsFastAsPossible,
}
