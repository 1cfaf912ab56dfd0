using EdgeMlops.Synthetic.Scenes;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>What a source knows about the frame it just grabbed.</summary>
/// <param name="Position">Presentation time within the stream (files: from the start of the file).</param>
/// <param name="Truth">Per-frame ground truth from sources that have it (the synthetic world); null otherwise.</param>
public readonly record struct SourceFrameInfo(TimeSpan Position, FrameTruth? Truth = null);
