using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Tracking;

public sealed class ClassVoteTests
{
    private static readonly string[] FiveLabels = ["car", "van", "truck", "bus", "motorcycle"];
    private static readonly string[] SixLabels = ["pickup", "car", "van", "truck", "bus", "motorcycle"];

    [Fact]
    public void A_track_spanning_a_swap_to_a_model_with_another_label_set_is_voted_per_label_name()
    {
        var vote = new ClassVote();
        vote.Add(FiveLabels, [0.5f, 0.3f, 0.1f, 0.05f, 0.05f], new Rect(0, 0, 10, 10));
        vote.Add(FiveLabels, [0.4f, 0.4f, 0.1f, 0.05f, 0.05f], new Rect(0, 0, 10, 10));
        // After the swap the new model knows "pickup" and orders its labels differently.
        vote.Add(SixLabels, [0.9f, 0.05f, 0.05f, 0f, 0f, 0f], new Rect(5, 5, 20, 20));
        vote.Add(SixLabels, [0.8f, 0.1f, 0.1f, 0f, 0f, 0f], new Rect(6, 6, 20, 20));

        var top = vote.Top(3);

        Assert.Equal(["pickup", "car", "van"], top.Select(t => t.Label));
        Assert.Equal(1.7 / 4, top[0].Probability, 5);
        Assert.Equal(1.05 / 4, top[1].Probability, 5); // car summed across both models by name, not by index
        Assert.Equal(new Rect(5, 5, 20, 20), vote.BestBox("pickup"));
    }
}
