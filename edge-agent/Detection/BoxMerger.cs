using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>Joins boxes that are mostly the same region, e.g. a vehicle split in two by a lane marking.</summary>
internal static class BoxMerger
{
    /// <summary>
    /// Replaces every pair whose intersection covers at least <paramref name="minOverlap"/> of the smaller box by
    /// their union, until no such pair is left. Measured against the smaller box so a fragment inside a large box
    /// merges even though their IoU is small.
    /// </summary>
    public static void MergeOverlapping(List<Rect> boxes, double minOverlap)
    {
        bool merged;
        do
        {
            merged = false;
            for (int i = 0; i < boxes.Count && !merged; i++)
            {
                for (int j = i + 1; j < boxes.Count; j++)
                {
                    if (Overlap(boxes[i], boxes[j]) < minOverlap) continue;
                    boxes[i] = boxes[i] | boxes[j];
                    boxes.RemoveAt(j);
                    merged = true;
                    break;
                }
            }
        } while (merged);
    }

    private static double Overlap(Rect a, Rect b)
    {
        var intersection = a & b;
        if (intersection.Width <= 0 || intersection.Height <= 0) return 0;
        double smaller = Math.Min((double)a.Width * a.Height, (double)b.Width * b.Height);
        return intersection.Width * (double)intersection.Height / smaller;
    }
}
