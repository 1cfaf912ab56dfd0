using EdgeMlops.EdgeAgent.Monitoring;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

public sealed class DriftMeasuresTests
{
    [Fact]
    public void Psi_and_js_distance_match_hand_computed_values()
    {
        // PSI = 0.4·ln(0.9/0.5) + (−0.4)·ln(0.1/0.5) = 0.23511 + 0.64378.
        Assert.Equal(0.878890, DriftMeasures.Psi([0.5, 0.5], [0.9, 0.1]), 6);
        // m = (0.7, 0.3); JSD = ½·KL(p‖m) + ½·KL(q‖m) = ½·0.125769 + ½·0.167817 bits; distance = √0.146793.
        Assert.Equal(0.383136, DriftMeasures.JsDistance([0.5, 0.5], [0.9, 0.1]), 6);
    }

    [Fact]
    public void The_same_distribution_has_no_drift()
    {
        Assert.Equal(0, DriftMeasures.Psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 12);
        Assert.Equal(0, DriftMeasures.JsDistance([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 6);
    }

    [Fact]
    public void An_empty_bin_costs_a_finite_psi_through_the_epsilon_and_needs_none_in_js()
    {
        // The third bin is empty in the reference: its share is floored at 0.0001, so (0.25 − 0.0001)·ln(0.25/0.0001) + (−0.25)·ln(0.5).
        Assert.Equal(2.128516, DriftMeasures.Psi([0.5, 0.5, 0], [0.5, 0.25, 0.25]), 6);
        Assert.Equal(0.394511, DriftMeasures.JsDistance([0.5, 0.5, 0], [0.5, 0.25, 0.25]), 6);
        // Nothing in common at all: the JS distance is at its maximum of 1.
        Assert.Equal(1, DriftMeasures.JsDistance([1, 0], [0, 1]), 9);
    }

    [Fact]
    public void Class_mixes_are_aligned_over_the_labels_of_both_sides()
    {
        var (reference, actual) = DriftMeasures.AlignClassMix(
            new Dictionary<string, double> { ["car"] = 0.75, ["van"] = 0.25 }, new Dictionary<string, long> { ["car"] = 2, ["bus"] = 2 });

        // bus, car, van
        Assert.Equal([0, 0.75, 0.25], reference);
        Assert.Equal([0.5, 0.5, 0], actual);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.0999, 0)]
    [InlineData(0.1, 1)]
    [InlineData(0.95, 9)]
    [InlineData(1.0, 9)]
    public void Confidences_fall_in_ten_equal_bins_with_one_in_the_last(double confidence, int bin)
    {
        Assert.Equal(bin, DriftMeasures.ConfidenceBin(confidence));
    }
}
