namespace EdgeMlops.Synthetic.Scenes;

/// <summary>Ground truth of one frame.</summary>
/// <param name="FrameIndex">0-based frame number in the stream.</param>
/// <param name="TimestampMs">Presentation time from the start of the stream, in milliseconds.</param>
/// <param name="Objects">Every vehicle at least partly inside the frame.</param>
public sealed record FrameTruth(long FrameIndex, long TimestampMs, IReadOnlyList<TruthObject> Objects);
