namespace EdgeMlops.Synthetic.Scenes;

/// <summary>One traffic lane as the camera sees it: a horizontal band whose vehicles share a scale and a direction.</summary>
/// <param name="Index">0 is the lane farthest from the camera.</param>
/// <param name="Top">Top row of the lane's road band.</param>
/// <param name="Bottom">Bottom row of the lane's road band.</param>
/// <param name="GroundY">Row where the wheels of the lane's vehicles touch the road.</param>
/// <param name="PixelsPerMetre">Perspective scale: far lanes are smaller.</param>
/// <param name="Direction">+1 when traffic drives left to right, -1 right to left.</param>
public sealed record Lane(int Index, double Top, double Bottom, double GroundY, double PixelsPerMetre, int Direction)
{
    /// <summary>Height of the band in pixels.</summary>
    public double Height => Bottom - Top;
}
