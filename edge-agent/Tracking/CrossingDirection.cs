namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>
/// Which way a track crossed a <see cref="CountingLine"/>, seen walking along the line from its <c>From</c> point
/// to its <c>To</c> point in the image. For a line drawn left to right across the road, traffic driving down the
/// image crosses <see cref="LeftToRight"/>.
/// </summary>
public enum CrossingDirection
{
    LeftToRight,
    RightToLeft,
}
