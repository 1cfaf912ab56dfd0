using EdgeMlops.EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>
/// Proposes the visible vehicles' boxes of the frame's ground truth: measures classifier and tracker without
/// detection errors. Needs a source that carries truth (synthetic cameras, videos with a truth sidecar).
/// </summary>
public sealed class GroundTruthProposer : IRegionProposer
{
    /// <summary>Smallest share of a vehicle that must be visible for it to be proposed.</summary>
    private const double MinimumVisible = 0.35;
    private const int MinimumSide = 12;

    public bool IsWarmingUp => false;

    public void Propose(CameraFrame frame, List<Rect> boxes)
    {
        boxes.Clear();
        if (frame.Truth is not { } truth) return;
        var frameRect = new Rect(0, 0, frame.Image.Width, frame.Image.Height);
        foreach (var o in truth.Objects)
        {
            var box = o.Box & frameRect;
            if (o.Visible >= MinimumVisible && box.Width >= MinimumSide && box.Height >= MinimumSide) boxes.Add(box);
        }
    }

    public void Dispose()
    {
    }
}
