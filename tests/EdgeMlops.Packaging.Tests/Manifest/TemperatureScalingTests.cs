namespace EdgeMlops.Packaging.Tests.Manifest;

public sealed class TemperatureScalingTests
{
    [Fact]
    public void A_temperature_of_one_leaves_the_probabilities_as_they_are()
    {
        Assert.Equal([0.7, 0.2, 0.1], TemperatureScaling.Calibrate([0.7f, 0.2f, 0.1f], 1).Select(p => Math.Round(p, 6)));
    }

    [Fact]
    public void Each_probability_is_raised_to_one_over_t_and_renormalised()
    {
        // T = 2: square roots, √0.8 : √0.2 = 2 : 1.
        Assert.Equal([0.666667, 0.333333], TemperatureScaling.Calibrate([0.8f, 0.2f], 2).Select(p => Math.Round(p, 6)));
        // T = 0.5: squares, 0.64 : 0.04.
        Assert.Equal([0.941176, 0.058824], TemperatureScaling.Calibrate([0.8f, 0.2f], 0.5).Select(p => Math.Round(p, 6)));
        // √0.9 / (√0.9 + 4·√0.025) = 0.6 exactly: an over-confident 0.9 becomes 0.6.
        Assert.Equal(0.6, TemperatureScaling.Calibrate([0.9f, 0.025f, 0.025f, 0.025f, 0.025f], 2)[0], 6);
    }

    [Fact]
    public void A_probability_of_zero_stays_zero_and_tiny_ones_do_not_underflow_the_sum()
    {
        var calibrated = TemperatureScaling.Calibrate([1e-30f, 0f, 1e-31f], 0.01);
        Assert.Equal(0, calibrated[1]);
        Assert.Equal(1, calibrated.Sum(), 9);
        Assert.True(calibrated[0] > 0.99);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void A_temperature_that_is_not_positive_is_refused(double temperature)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.Calibrate([0.5f, 0.5f], temperature));
    }
}
