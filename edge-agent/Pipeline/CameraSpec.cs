namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>One camera as configured under <c>Cameras:N</c>.</summary>
public sealed class CameraSpec
{
    public string Id { get; set; } = "cam1";

    /// <summary>Source URI; see <see cref="Capture.SyntheticSourceUri"/> for <c>synthetic://</c>.</summary>
    public string Source { get; set; } = "synthetic://highway?seed=1&condition=day";

    /// <summary>Frames per second the pipeline aims at; frames beyond it are skipped at capture.</summary>
    public double TargetFps { get; set; } = 25;

    /// <summary>Frames waiting between decode and proposals; when full, the oldest is dropped and counted.</summary>
    public int FrameQueueCapacity { get; set; } = 8;

    /// <summary>Where vehicle boxes come from: motion (background subtraction, as on a real camera) or the synthetic source's ground truth.</summary>
    public ProposalSource Proposals { get; set; } = ProposalSource.Motion;
}

public enum ProposalSource { Motion, GroundTruth }
