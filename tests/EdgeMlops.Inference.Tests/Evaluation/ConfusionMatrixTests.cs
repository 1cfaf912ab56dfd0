using EdgeMlops.Inference.Evaluation;

namespace EdgeMlops.Inference.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void Precision_and_recall_follow_their_definitions()
    {
        var m = new ConfusionMatrix(["car", "van", "bus"]);
        // car: 3 right, 1 called van. van: 1 right, 1 called car. bus absent from truth.
        m.Add(0, 0); m.Add(0, 0); m.Add(0, 0); m.Add(0, 1);
        m.Add(1, 1); m.Add(1, 0);

        Assert.Equal(3.0 / 4, m.Precision(0), 10);  // 3 of 4 "car" predictions right
        Assert.Equal(1.0 / 2, m.Precision(1), 10);
        Assert.Equal(3.0 / 4, m.Recall(0), 10);
        Assert.Equal((0.75 + 0.5) / 2, m.MacroPrecision, 10); // bus does not occur: not averaged in
        Assert.Equal(4.0 / 6, m.Accuracy, 10);
        Assert.False(m.PrecisionByLabel().ContainsKey("bus"));
    }

    [Fact]
    public void A_class_that_is_never_predicted_scores_zero_precision_instead_of_being_skipped()
    {
        var m = new ConfusionMatrix(["car", "van"]);
        m.Add(0, 0); m.Add(1, 0);

        Assert.Equal(0, m.Precision(1));
        Assert.Equal(0.25, m.MacroPrecision, 10);
    }
}
