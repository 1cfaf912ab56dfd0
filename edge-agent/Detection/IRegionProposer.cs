using EdgeMlops.EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>Where one camera's vehicle boxes come from. One instance per camera; used from its proposal stage only.</summary>
public interface IRegionProposer : IDisposable
{
    /// <summary>True while nothing is proposed by design (a background model still learning); truth seen meanwhile is not scored.</summary>
    bool IsWarmingUp { get; }

    /// <summary>Replaces the content of <paramref name="boxes"/> with the regions of <paramref name="frame"/> worth classifying, in frame pixels.</summary>
    void Propose(CameraFrame frame, List<Rect> boxes);
}
