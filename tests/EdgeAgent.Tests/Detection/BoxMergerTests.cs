using EdgeMlops.EdgeAgent.Detection;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Detection;

public sealed class BoxMergerTests
{
    [Fact]
    public void A_fragment_inside_or_mostly_over_another_box_is_merged_into_it()
    {
        var boxes = new List<Rect> { new(0, 0, 100, 60), new(10, 10, 20, 20), new(90, 0, 20, 60) };

        BoxMerger.MergeOverlapping(boxes, minOverlap: 0.5);

        Assert.Equal([new Rect(0, 0, 110, 60)], boxes);
    }

    [Fact]
    public void Boxes_that_only_touch_or_barely_overlap_stay_apart()
    {
        var boxes = new List<Rect> { new(0, 0, 50, 50), new(45, 0, 50, 50), new(200, 200, 10, 10) };

        BoxMerger.MergeOverlapping(boxes, minOverlap: 0.5);

        Assert.Equal(3, boxes.Count);
    }
}
