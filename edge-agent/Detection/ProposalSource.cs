namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>Where a camera's vehicle boxes come from.</summary>
public enum ProposalSource
{
    /// <summary>Background subtraction, as on any fixed camera.</summary>
    Motion,

    /// <summary>The source's own ground truth (synthetic cameras): measures classifier and tracker without detection errors.</summary>
    GroundTruth,
}
