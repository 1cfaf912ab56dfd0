using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>Builds the region proposer a camera's <see cref="CameraOptions.Proposals"/> asks for.</summary>
public interface IRegionProposerFactory
{
    IRegionProposer Create(CameraOptions camera);
}

/// <summary>Background subtraction within the camera's region of interest, or the source's ground-truth boxes.</summary>
public sealed class RegionProposerFactory(IOptions<BackgroundSubtractionOptions> motion) : IRegionProposerFactory
{
    public IRegionProposer Create(CameraOptions camera) => camera.Proposals switch
    {
        ProposalSource.GroundTruth => new GroundTruthProposer(),
        _ => new BackgroundSubtractionProposer(motion.Value,
            camera.RegionOfInterest.Count > 0 ? camera.RegionOfInterest.Select(p => p.ToPoint()).ToList() : null),
    };
}
