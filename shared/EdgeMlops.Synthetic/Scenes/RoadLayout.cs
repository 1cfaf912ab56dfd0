using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>
/// Where sky, verges, road and lanes sit in a frame of a fixed camera that looks across a highway from an
/// elevated position: far lanes are higher and smaller, the far half of the lanes drives right to left and the
/// near half left to right, separated by a median.
/// </summary>
public sealed class RoadLayout
{
    /// <summary>Scale of the nearest lane in a 360-row frame; other sizes scale with the frame height.</summary>
    public const double NearScaleAt360Rows = 17;

    /// <summary>Scale of the farthest lane relative to the nearest.</summary>
    public const double FarScaleShare = 0.5;

    private RoadLayout(Size frame, double horizon, double roadTop, double roadBottom, double? medianTop, double? medianBottom, IReadOnlyList<Lane> lanes)
    {
        Frame = frame;
        Horizon = horizon;
        RoadTop = roadTop;
        RoadBottom = roadBottom;
        MedianTop = medianTop;
        MedianBottom = medianBottom;
        Lanes = lanes;
    }

    /// <summary>Frame size the layout was made for.</summary>
    public Size Frame { get; }

    /// <summary>Row where the sky meets the tree line.</summary>
    public double Horizon { get; }

    /// <summary>First row of the road surface (far shoulder).</summary>
    public double RoadTop { get; }

    /// <summary>Last row of the road surface (near shoulder).</summary>
    public double RoadBottom { get; }

    /// <summary>Top of the median strip, when traffic runs in both directions.</summary>
    public double? MedianTop { get; }

    /// <summary>Bottom of the median strip, when traffic runs in both directions.</summary>
    public double? MedianBottom { get; }

    /// <summary>Lanes from far (index 0) to near.</summary>
    public IReadOnlyList<Lane> Lanes { get; }

    /// <summary>Lays out <paramref name="laneCount"/> lanes (1-8) in a frame of <paramref name="frame"/>.</summary>
    public static RoadLayout Create(Size frame, int laneCount)
    {
        if (frame.Width < 64 || frame.Height < 64)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, "Frames must be at least 64x64.");
        ArgumentOutOfRangeException.ThrowIfLessThan(laneCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(laneCount, 8);

        double h = frame.Height;
        double horizon = 0.2 * h, roadTop = 0.4 * h, roadBottom = 0.92 * h;
        double shoulder = 0.015 * h;
        int farLanes = laneCount / 2;
        double median = farLanes > 0 ? 0.03 * h : 0;
        double nearScale = NearScaleAt360Rows * h / 360;

        var scales = Enumerable.Range(0, laneCount)
            .Select(i => nearScale * (laneCount == 1 ? 1 : FarScaleShare + (1 - FarScaleShare) * i / (laneCount - 1)))
            .ToArray();
        double bandTotal = roadBottom - roadTop - 2 * shoulder - median;
        double perScale = bandTotal / scales.Sum();

        var lanes = new List<Lane>(laneCount);
        double y = roadTop + shoulder;
        double? medianTop = null, medianBottom = null;
        for (int i = 0; i < laneCount; i++)
        {
            if (i == farLanes && farLanes > 0)
            {
                medianTop = y;
                y += median;
                medianBottom = y;
            }
            double band = scales[i] * perScale;
            lanes.Add(new Lane(i, y, y + band, y + 0.7 * band, scales[i], i < farLanes ? -1 : 1));
            y += band;
        }
        return new RoadLayout(frame, horizon, roadTop, roadBottom, medianTop, medianBottom, lanes);
    }
}
